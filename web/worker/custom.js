// Written rules in the worker: does a Custom optimizer or loss compile (ruleCheck, for the editor's live
// errors), the grading of <steplab-exercise> (lab.checkOptimizer / lab.checkLoss, with a loss's curves
// beside the reference's), and the finite-difference check the Losses room reports (lab.gradcheck).

const GRID = 401;
const grid = (a, b) => Float32Array.from({ length: GRID }, (_, i) => a + ((b - a) * i) / (GRID - 1));

// Whether the core takes the spec: { ok: true } or { ok: false, message, field, column } (column: of a parse error).
export function ruleCheck(lab, { kind, spec }) {
  try {
    if (kind === 'loss') lab.loss({ ...spec, reduction: 'none' }, [0.5], [0.25]);
    else lab.createOptimizer(spec, 2).dispose();
    return { ok: true };
  } catch (e) {
    if (e?.name !== 'SteplabError') throw e;
    return { ok: false, message: e.message, field: e.field || '', column: Number.isInteger(e.column) ? e.column : null };
  }
}

// A loss against the error x - y (y = 0), or against the logit x with y = 1 for a loss that takes
// binary labels only: value and derivative per point.
export function lossCurve(lab, spec, binary) {
  const x = grid(-4, 4);
  const y = new Float32Array(GRID).fill(binary ? 1 : 0);
  const r = lab.loss({ ...spec, reduction: 'none' }, x, y);
  return { x, value: Float32Array.from(r.value), grad: Float32Array.from(r.grad) };
}

const binaryOnly = (lab, spec) => {
  const row = lab.registry.losses.find((l) => l.name === spec.type);
  return !!row && row.tasks.includes('binary') && !row.tasks.includes('regression');
};

// The exercise's verdict (and for a loss, both curves). A rule the core refuses is a verdict too.
export function exercise(lab, { kind, student, reference, options }) {
  try {
    if (kind === 'loss') {
      const verdict = lab.checkLoss(student, reference, options);
      const binary = binaryOnly(lab, reference);
      return { verdict, curves: { binary, student: lossCurve(lab, student, binary), reference: lossCurve(lab, reference, binary) } };
    }
    return { verdict: lab.checkOptimizer(student, reference, options) };
  } catch (e) {
    if (e?.name !== 'SteplabError') throw e;
    return { error: { message: e.message, field: e.field || '' } };
  }
}

export const customHandlers = {
  ruleCheck,
  exercise,
  gradcheck: (lab, { spec, binary }) => {
    const x = grid(-3, 3).filter((_, i) => i % 8 === 3);
    const y = new Float32Array(x.length).fill(binary ? 1 : 0.25);
    return lab.gradcheck(spec, x, y);
  },
  // at given points (the Losses room's grid): x the plotted variable, y the one target
  lossAt: (lab, { spec, x, y }) => {
    const xs = Float32Array.from(x);
    const r = lab.loss({ ...spec, reduction: 'none' }, xs, new Float32Array(xs.length).fill(y));
    return { value: Float64Array.from(r.value), grad: Float64Array.from(r.grad) };
  },
};
