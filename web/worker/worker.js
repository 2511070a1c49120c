// The lab's Web Worker: owns the wasm core so the page never stalls.
// Protocol: {id, type, args} -> {id, result} or {id, error: {message, code, thing, field}}.
// Typed arrays in results are transferred, not copied.
import { loadSteplab } from '../lib/steplab.mjs';
import { lossCurves, lossTables } from './losses.js';

const ready = loadSteplab();

const handlers = {
  init: (lab) => ({ version: lab.version, simd: lab.simd, registry: lab.registry }),
  schedule: (lab, { spec, n, options }) => lab.schedule(spec, n, options),
  // Evaluates a formula in epoch for epochs 0..n-1 with the core's own safe parser (LambdaLR with lr 1).
  formula: (lab, { text, n }) => lab.schedule({ type: 'LambdaLR', lr: 1, lr_lambda: text }, n),
  lossCurves,
  lossTables,
};

self.onmessage = async (ev) => {
  const { id, type, args } = ev.data || {};
  try {
    const lab = await ready;
    const fn = handlers[type];
    if (!fn) throw new Error(`worker: unknown request '${type}'`);
    const result = fn(lab, args || {});
    const transfer = ArrayBuffer.isView(result) ? [result.buffer] : [];
    self.postMessage({ id, result }, transfer);
  } catch (e) {
    self.postMessage({ id, error: { message: e.message, code: e.code || 'internal', thing: e.thing || '', field: e.field || '' } });
  }
};
