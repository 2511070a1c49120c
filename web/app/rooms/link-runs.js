// What a link to the Training room carries beyond its settings: the pinned runs (as their settings
// and data spec; their results are recomputed on open, deterministically, with a progress note) and
// an imported CSV when it fits in a link. A data set too large for a link is named in the link and
// left out, and the room says so.
import { racerNames } from './race-text.js';

// JSON characters a data set may take in a link (a URL-encoded link must stay under state.js's
// 20 000 characters with its settings and pins)
const CSV_CHARS = 4000;
const PIN_DATA_CHARS = 1500;
const MAX_PINS = 7;

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isMatrix = (X) => Array.isArray(X) && X.every((r) => Array.isArray(r) && r.every(Number.isFinite));
const isSpec = (s) => isObj(s) && (typeof s.name === 'string' || (isMatrix(s.X) && Array.isArray(s.y)));

export const linkProps = {
  at: { type: 'int', def: 0, min: 0, max: 1e9 }, // the current run's steps done (a link opened trains it that far)
  pins: { type: 'json', def: [],
    check: (v) => (Array.isArray(v) && v.length <= MAX_PINS && v.every((p) => isObj(p) && isObj(p.state) && (p.omitted === true || isSpec(p.spec)))
      ? null : `pins must be a list of up to ${MAX_PINS} pinned runs { state, spec }`) },
  csv: { type: 'json', def: null,
    check: (v) => (v === null || (isObj(v) && typeof v.name === 'string' && (v.omitted === true || (isMatrix(v.X) && Array.isArray(v.y) && typeof v.task === 'string')))
      ? null : 'csv must be null or an imported data set { X, y, task, name }') },
};

const plain = (X) => Array.from(X, (r) => Array.from(r));
const fits = (v, limit) => JSON.stringify(v).length <= limit;

/** The imported CSV as a link holds it: the data when it fits, else its name and `omitted`. */
export function csvForLink(csv) {
  if (!csv) return null;
  const data = { X: plain(csv.X), y: Array.from(csv.y), task: csv.task, header: csv.header, n: csv.n, d: csv.d, name: csv.name };
  return fits(data, CSV_CHARS) ? data : { name: csv.name, omitted: true };
}

/** The pinned runs as a link holds them: settings, and the data spec when it fits. */
export function pinsForLink(pins) {
  return pins.map((p) => {
    const spec = p.spec?.X ? { ...p.spec, X: plain(p.spec.X), y: Array.from(p.spec.y) } : p.spec;
    return spec && fits(spec, PIN_DATA_CHARS) ? { state: p.state, spec } : { state: p.state, omitted: true };
  });
}

/** What a copied link leaves out, in words ('' when it holds everything). */
export function linkGaps(room) {
  const out = [];
  if (csvForLink(room.csv)?.omitted) out.push(`the imported data ${room.csv.name} is too large for a link and is not included`);
  const left = pinsForLink(room.pins).map((p, i) => (p.omitted ? i + 1 : 0)).filter(Boolean);
  if (left.length) out.push(`pinned run${left.length > 1 ? 's' : ''} ${left.join(', ')} trained on data too large for a link ${left.length > 1 ? 'are' : 'is'} not included`);
  return out.join('; ');
}

/**
 * Pins the runs a link names and trains each to its end in the worker (the same settings and
 * data give the same numbers), saying how far it is. `alive()` is false once newer pins replace these.
 */
export async function restorePins(room, links, alive) {
  const skipped = [];
  const slots = [];
  for (const [i, link] of links.entries()) {
    if (link.omitted) { skipped.push(i + 1); continue; }
    const slot = room.newSlot(link.state);
    slot.spec = link.spec;
    try {
      room.config(slot); // settings the room cannot read are left out, like data the link does not hold
      slot.label = runLabel(link.state);
    } catch {
      slot.run.dispose();
      skipped.push(i + 1);
      continue;
    }
    slots.push(slot);
  }
  room.pins.push(...slots);
  room.renderPins();
  room.renderAll();
  for (const [k, slot] of slots.entries()) {
    while (alive() && !slot.run.finished && slot.run.status !== 'error' && !slot.run.disposed) {
      await room.advance(slot, { args: { ms: 60 } });
      const p = slot.run.progress;
      room.notify(`Recomputing pinned run ${k + 1} of ${slots.length} from the link: epoch ${p?.epochs_done ?? 0} of ${slot.state.epochs}.`);
      room.renderAll();
    }
    if (!alive()) return;
    await room.advance(slot, { args: { steps: 0 }, evaluate: true, force: true });
  }
  room.renderPins();
  room.renderAll();
  const note = skipped.length ? ` Pinned run${skipped.length > 1 ? 's' : ''} ${skipped.join(', ')} of the link ${skipped.length > 1 ? 'are' : 'is'} not shown: ${skipped.length > 1 ? 'their' : 'its'} data is not included or ${skipped.length > 1 ? 'their' : 'its'} settings are not valid.` : '';
  room.notify(slots.length ? `The ${slots.length} pinned run${slots.length > 1 ? 's' : ''} of the link ${slots.length > 1 ? 'are' : 'is'} recomputed.${note}` : note.trim(), skipped.length ? 'warn' : 'info');
}

/** Trains the current run of a link to the step it had reached, saying how far it is. */
export async function catchUp(room, at) {
  const slot = room.cur;
  if (!(at > 0) || !room.data) return;
  while (room.cur === slot && !slot.run.finished && slot.run.status !== 'error' && slot.run.steps_done < at) {
    await room.advance(slot, { args: { steps: Math.min(at - slot.run.steps_done, 250) } });
    room.notify(`Training the link's run to where it was: step ${slot.run.steps_done} of ${at}.`);
    room.renderAll();
  }
  if (room.cur !== slot) return;
  await room.advance(slot, { args: { steps: 0 }, pictures: true, evaluate: true, force: true });
  room.renderAll();
  room.notify(`The link's run is at step ${slot.run.steps_done}, where it was.`);
}

/**
 * A run's name for legends, by what it sets: the optimizer with every setting it is given ("SGD lr
 * 0.02 momentum 0.9"), then its schedule and what else differs from the other runs named with it.
 */
export function runNames(states) {
  const keys = ['sched', 'loss', 'model', 'reg', 'bmode', 'batch', 'epochs', 'bss', 'clip', 'es', 'seed'];
  const differs = keys.filter((k) => new Set(states.map((s) => JSON.stringify(s[k] ?? null))).size > 1);
  const base = racerNames(states.map((s) => (isObj(s.opt) ? s.opt : { type: 'optimizer?' })));
  return states.map((s, i) => [base[i].replace(/ \(\d+\)$/, ''), ...differs.map((k) => `${k} ${short(s[k])}`)].join(', '));
}
export const runLabel = (state) => runNames([state])[0] + (state.sched ? `, ${short(state.sched)}` : '');

function short(v) {
  if (v === null || v === undefined) return 'none';
  if (!isObj(v)) return String(v);
  if (Array.isArray(v.hidden)) return `${v.hidden.join('-') || 'linear'} ${v.activation}`;
  return Object.entries(v).map(([k, x]) => (k === 'type' ? x : `${k} ${Array.isArray(x) ? x.join('/') : x}`)).join(' ');
}
