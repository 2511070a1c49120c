// Snapshot ensembles (c/train/train_snapshot.c; Huang et al. 2017 on SGDR): the ensemble's
// validation metrics in the epoch history are recomputed here from the snapshots'
// predictions, taken independently from a run without the option (the option changes no
// weight) at the warm restarts the schedule gives; refused configs name the field; a saved
// run keeps its snapshots.
import test from 'node:test';
import assert from 'node:assert/strict';
import { lab, assertError } from './helpers.mjs';

const base = (extra = {}) => ({
  dataset: { name: 'moons', n_samples: 200, noise: 0.3, seed: 5, val_fraction: 0.3 },
  model: { hidden: [8], activation: 'tanh' },
  loss: { type: 'BCEWithLogitsLoss' },
  optimizer: { type: 'SGD', lr: 0.5, momentum: 0.9 },
  scheduler: { type: 'CosineAnnealingWarmRestarts', T_0: 3, T_mult: 2, eta_min: 0.001 },
  scheduler_interval: 'epoch',
  batch_size: 20,
  epochs: 12,
  seed: 3,
  ...extra,
});

// The validation rows of a config's data set.
function valRows(cfg) {
  const d = lab.dataset(cfg.dataset);
  const f = d.n_features;
  const X = [];
  for (let i = d.n_train; i < d.y.length; i++) X.push(Array.from(d.X.subarray(i * f, i * f + f)));
  return { X, y: Array.from(d.y.subarray(d.n_train)) };
}

// The ensemble metric of snapshot predictions (each n x width), as the mean's accuracy or MSE and MAE.
function ensembleMetric(snaps, y, width, regression) {
  if (!snaps.length) return [NaN, NaN];
  let s1 = 0, s2 = 0;
  y.forEach((t, i) => {
    const mean = Array.from({ length: width }, (_, j) => snaps.reduce((a, p) => a + p[i * width + j], 0) / snaps.length);
    if (regression) { s1 += (mean[0] - t) ** 2; s2 += Math.abs(mean[0] - t); return; }
    const k = width === 1 ? Number(mean[0] > 0.5) : mean.indexOf(Math.max(...mean));
    s1 += k === t;
  });
  return [s1 / y.length, s2 / y.length];
}

// Runs cfg with and without snapshot_ensemble; restartAfter(k) says whether scheduler step k restarted the cycle.
function check(cfg, perStep, restartAfter, regression = false) {
  const { X, y } = valRows(cfg);
  const ens = lab.createTrainer({ ...cfg, snapshot_ensemble: true });
  const plain = lab.createTrainer(cfg);
  const snaps = [];
  let differs = false;
  try {
    while (!plain.done) {
      if (perStep) {
        plain.step(1);
        if (restartAfter(plain.steps_done)) snaps.push(plain.predict(X));
      } else {
        plain.epoch();
        if (restartAfter(plain.epochs_done)) snaps.push(plain.predict(X));
      }
      if (plain.epochs_done > ens.epochs_done) {
        ens.epoch();
        const h = ens.history.epochs;
        const e = h.snapshots.length - 1;
        assert.equal(h.snapshots[e], snaps.length, `epoch ${e + 1}: snapshots`);
        const [m, mae] = ensembleMetric(snaps, y, plain.n_outputs, regression);
        const got = regression ? [h.ensemble_val_mse[e], h.ensemble_val_mae[e]] : [h.ensemble_val_accuracy[e]];
        got.forEach((g, i) => {
          const want = [m, mae][i];
          assert.ok(Number.isNaN(want) ? Number.isNaN(g) : Math.abs(g - want) <= 1e-9 * Math.max(1, Math.abs(want)), `epoch ${e + 1}: ${g} vs ${want}`);
        });
        const single = regression ? h.val_mse[e] : h.val_accuracy[e];
        if (snaps.length > 1 && got[0] !== single) differs = true;
        assert.equal(h.val_loss[e], plain.history.epochs.val_loss[e], 'the option changes no weight');
        assert.ok(!('ensemble_val_accuracy' in plain.history.epochs) && !('snapshots' in plain.history.epochs));
      }
    }
    assert.ok(snaps.length >= 2, `${snaps.length} snapshots`);
    return { differs, snaps: snaps.length, ens };
  } finally {
    plain.dispose();
  }
}

test('epoch-wise SGDR: a snapshot at each warm restart (after epochs 3 and 9), the ensemble accuracy from their predictions', () => {
  const { differs, ens } = check(base(), false, (e) => e === 3 || e === 9);
  ens.dispose();
  assert.ok(differs, 'the ensemble is not the single model');
});

test('step-wise SGDR on three classes: snapshots every T_0 steps', () => {
  const cfg = base({
    dataset: { name: 'blobs', n_samples: 150, centers: 3, cluster_std: 3, seed: 2, val_fraction: 0.3 },
    loss: { type: 'CrossEntropyLoss' }, scheduler: { type: 'CosineAnnealingWarmRestarts', T_0: 7 }, scheduler_interval: 'step', epochs: 6,
  });
  check(cfg, true, (k) => k % 7 === 0).ens.dispose();
});

test('regression: the ensemble MSE and MAE of the mean output', () => {
  const cfg = base({ dataset: { name: 'sine', n_samples: 120, seed: 1, val_fraction: 0.25 }, loss: { type: 'MSELoss' }, optimizer: { type: 'Adam', lr: 0.05 } });
  check(cfg, false, (e) => e === 3 || e === 9, true).ens.dispose();
});

test('save and restore keep the snapshots', () => {
  const cfg = { ...base(), snapshot_ensemble: true };
  const whole = lab.createTrainer(cfg);
  whole.fit();
  const part = lab.createTrainer(cfg);
  for (let e = 0; e < 5; e++) part.epoch();
  const back = lab.restoreTrainer(part.save());
  back.fit();
  assert.deepEqual(back.history.epochs, whole.history.epochs);
  [whole, part, back].forEach((r) => r.dispose());
});

test('snapshot_ensemble is refused without CosineAnnealingWarmRestarts, a validation split or predictions to average', () => {
  const on = (extra) => base({ ...extra, snapshot_ensemble: true });
  assertError(() => lab.createTrainer(on({ scheduler: { type: 'StepLR', step_size: 3 } })), 'Trainer: snapshot_ensemble keeps the weights at each warm restart, so it needs scheduler CosineAnnealingWarmRestarts, got StepLR');
  assertError(() => lab.createTrainer(on({ scheduler: undefined })), 'needs scheduler CosineAnnealingWarmRestarts, got none');
  assertError(() => lab.createTrainer(on({ dataset: { name: 'moons', n_samples: 50, val_fraction: 0 } })), 'Trainer: snapshot_ensemble reports validation metrics: it needs a validation split');
  assertError(() => lab.createTrainer(on({ loss: { type: 'TripletMarginLoss' } })), 'Trainer: snapshot_ensemble averages predictions');
  assertError(() => lab.createTrainer(base({ snapshot_ensemble: 1 })), 'Trainer: snapshot_ensemble must be true or false');
});
