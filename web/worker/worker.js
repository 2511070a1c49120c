// The lab's Web Worker: owns the wasm core so the page never stalls.
// Protocol: {id, type, args} -> {id, result} or {id, error: {message, code, thing, field}}.
// Typed arrays in results are transferred, not copied.
import { loadSteplab } from '../lib/steplab.mjs';
import { lossCurves, lossTables } from './losses.js';
import { trainHandlers } from './train.js';
import { lrFind } from './lrfind.js';
import { customHandlers } from './custom.js';
import { fail, describe } from '../lib/errors.mjs';

const ready = loadSteplab();

const handlers = {
  init: (lab) => ({ version: lab.version, simd: lab.simd, registry: lab.registry }),
  schedule: (lab, { spec, n, options }) => lab.schedule(spec, n, options),
  // Evaluates a formula in epoch for epochs 0..n-1 with the core's own safe parser (LambdaLR with lr 1).
  formula: (lab, { text, n }) => lab.schedule({ type: 'LambdaLR', lr: 1, lr_lambda: text }, n),
  lossCurves,
  lossTables,
  lrFind,
  landscape: (lab, args) => lab.landscape(args),
  parseCSV: (lab, { text, options }) => lab.parseCSV(text, options),
  // The worker's wasm memory in bytes: the soak test checks that long training does not grow it.
  memory: (lab) => ({ wasm: lab.memoryBytes }),
  // Every optimizer's whole path at once; the page animates it. Errors are per optimizer.
  race: (lab, { fn, fn_params, start, steps, noise, seed, optimizers }) => optimizers.map((optimizer) => {
    try {
      return lab.trace({ fn, fn_params, start, optimizer, steps, noise, seed });
    } catch (e) {
      return { error: { message: e.message, field: e.field || '' } };
    }
  }),
  // The gradient at a point, read off one plain SGD step with lr 1: x1 = x0 - grad.
  gradient: (lab, { fn, fn_params, at }) => {
    const t = lab.trace({ fn, fn_params, start: at, optimizer: { type: 'SGD', lr: 1 }, steps: 1 });
    return t.x.length > 1 ? [t.x[0] - t.x[1], t.y[0] - t.y[1]] : [NaN, NaN];
  },
  // A data set's bytes for the core, from the page (web/shared/digits.js): the optical digits' pixels
  // (dist/steplab-digits.bin.gz) for lab.dataset({ name: 'digits' }), given to the one core.
  loadDataset: async (lab, { name, bytes }) => {
    if (name !== 'digits') fail('loadDataset', 'name', `must be 'digits' (the one data set that ships as bytes), got ${describe(name)}`);
    await lab.loadDataset(name, bytes);
    return true;
  },
  ...trainHandlers,
  ...customHandlers,
};

// The typed arrays' buffers in a result (a few levels deep), to transfer rather than copy.
function buffersIn(v, depth = 0, out = new Set()) {
  if (ArrayBuffer.isView(v)) out.add(v.buffer);
  else if (v && typeof v === 'object' && depth < 4) for (const x of Object.values(v)) buffersIn(x, depth + 1, out);
  return [...out];
}

self.onmessage = async (ev) => {
  const { id, type, args } = ev.data || {};
  try {
    const lab = await ready;
    const fn = handlers[type];
    if (!fn) throw new Error(`worker: unknown request '${type}'`);
    const result = await fn(lab, args || {});
    try {
      self.postMessage({ id, result }, buffersIn(result));
    } catch {
      self.postMessage({ id, result }); // a buffer that cannot be detached (a view of wasm memory) is copied
    }
  } catch (e) {
    self.postMessage({ id, error: { message: e.message, code: e.code || 'internal', thing: e.thing || '', field: e.field || '' } });
  }
};
