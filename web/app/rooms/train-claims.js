// What a Training preset shows, measured: each preset names runs (its own settings, then variants
// merged over them, e.g. the same setup with BCE instead of focal loss), each trained to its end by
// the core, and the quantities its notice and claims read off their metrics. Run i gives, unnamed:
// val_loss.i, train_loss.i (the last epoch's), val_accuracy.i, val_precision.i, val_recall.i,
// val_f1.i, val_auroc.i, val_mse.i, val_mae.i (the validation metrics where the task has them),
// steps.i, epochs.i, failed.i (the core stopped it: a scheduler past its end), and for binary
// classification tp.i (true positives), positives.i (positives in the validation split) and
// majority.i (the accuracy of always predicting the commoner class).
// The page trains the runs in the worker (trainFit, web/worker/train.js fitConfig); tests/rooms-presets.test.mjs
// trains them in Node with the same function, so the text and the test cannot drift apart.
import { TRAIN_DEFAULTS } from './train-config.js';
import { sameSettings } from './notice.js';

const METRICS = ['accuracy', 'precision', 'recall', 'f1', 'auroc', 'mse', 'mae'];
// settings that change how a run is shown, not what it computes
const VIEW_ONLY = ['speed', 'log'];

/** The room's state of a preset's run i (0: the preset itself). */
export function runState(p, i = 0) {
  return { ...structuredClone(TRAIN_DEFAULTS), ...structuredClone(p.state), ...structuredClone(i ? p.runs[i - 1] : {}) };
}

/** The runs a preset trains: its own state and each variant's. */
export const presetRuns = (p) => [runState(p, 0), ...(p.runs || []).map((_, i) => runState(p, i + 1))];

const computed = (s) => Object.fromEntries(Object.entries(s).filter(([k]) => !VIEW_ONLY.includes(k)));

/** Whether the room's state is preset p or one of the runs its notice compares it with (following its "switch to ..."). */
export function showsPreset(p, state) {
  const mine = computed(state);
  return presetRuns(p).some((s) => sameSettings(computed(s), mine));
}

/** The values of one finished run: fitted = { status, error, steps_done, epochs_done, train_loss, val_loss, val } (val: evaluate('val')). */
export function runValues(r) {
  const out = { val_loss: r.val_loss, train_loss: r.train_loss, steps: r.steps_done, epochs: r.epochs_done, failed: r.status === 'error' };
  for (const k of METRICS) if (r.val && k in r.val) out[`val_${k}`] = r.val[k];
  const c = r.val?.confusion;
  if (c && c.length === 2) {
    const n = c[0][0] + c[0][1] + c[1][0] + c[1][1];
    out.tp = c[1][1];
    out.positives = c[1][0] + c[1][1];
    out.majority = Math.max(c[0][0] + c[0][1], out.positives) / n;
  }
  return out;
}

/**
 * Every value a preset names. fit(state) trains a room state to its end and resolves with
 * { status, error, steps_done, epochs_done, train_loss, val_loss, val } (sync or async).
 */
export async function measureTrain(p, fit) {
  const values = {};
  for (const [i, s] of presetRuns(p).entries()) {
    const r = await fit(s);
    for (const [k, v] of Object.entries(runValues(r))) values[`${k}.${i}`] = v;
  }
  return values;
}
