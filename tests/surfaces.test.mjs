// 2-D surfaces: values against double references, landscape layout and speed,
// traces (start point, divergence, noise, caps) and their errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { lab, assertClose, assertError } from './helpers.mjs';

// double-precision references, written from the textbook definitions
const REF = {
  rosenbrock: (x, y, p = {}) => ((p.a ?? 1) - x) ** 2 + (p.b ?? 100) * (y - x * x) ** 2,
  beale: (x, y) => (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2,
  himmelblau: (x, y) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
  booth: (x, y) => (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
  quadratic: (x, y, p = {}) => 0.5 * ((p.a ?? 1) * x * x + (p.b ?? 10) * y * y),
  saddle: (x, y) => x * x - y * y,
  rastrigin: (x, y) => 20 + (x * x - 10 * Math.cos(2 * Math.PI * x)) + (y * y - 10 * Math.cos(2 * Math.PI * y)),
  six_hump_camel: (x, y) => (4 - 2.1 * x * x + x ** 4 / 3) * x * x + x * y + (-4 + 4 * y * y) * y * y,
};

test('lab.surfaces lists every surface of the issue, with parameters and summaries', () => {
  assert.deepEqual(lab.surfaces, Object.keys(REF));
  const rosen = lab.registry.surfaces.find((k) => k.name === 'rosenbrock');
  assert.deepEqual(rosen.params.map((p) => [p.name, p.default]), [['a', 1], ['b', 100]]);
  assert.ok(lab.registry.surfaces.every((k) => k.summary.length > 10));
});

test('landscape values match double-precision references (row-major, y outer)', () => {
  for (const fn of lab.surfaces) {
    const nx = 31, ny = 17, x = [-2.2, 2.9], y = [-1.3, 2.1];
    const v = lab.landscape({ fn, x, y, nx, ny });
    assert.equal(v.length, nx * ny);
    const want = new Float64Array(nx * ny);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const xi = Math.fround(x[0] + (x[1] - x[0]) * i / (nx - 1)), yj = Math.fround(y[0] + (y[1] - y[0]) * j / (ny - 1));
        want[j * nx + i] = REF[fn](xi, yj);
      }
    }
    // float32 arithmetic against double: relative to the grid's scale (values cross zero)
    const scale = Math.max(...want.map(Math.abs));
    for (let k = 0; k < want.length; k++) {
      assert.ok(Math.abs(v[k] - want[k]) <= 2e-6 * scale, `${fn} [${k}]: ${v[k]} vs ${want[k]}`);
    }
  }
  const q = lab.landscape({ fn: 'quadratic', fn_params: { a: 2, b: 50 }, x: [-1, 1], y: [0, 2], nx: 3, ny: 2 });
  assert.deepEqual(Array.from(q), [1, 0, 1, 101, 100, 101]);
  // the known minima
  const at = (fn, px, py) => lab.landscape({ fn, x: [px, px + 1], y: [py, py + 1], nx: 2, ny: 2 })[0];
  assert.equal(at('rosenbrock', 1, 1), 0);
  assert.equal(at('beale', 3, 0.5), 0);
  assert.equal(at('himmelblau', 3, 2), 0);
  assert.equal(at('booth', 1, 3), 0);
  assert.equal(at('rastrigin', 0, 0), 0);
  assert.ok(Math.abs(at('six_hump_camel', 0.0898, -0.7126) + 1.0316) < 1e-4);
});

test('a 400 x 400 landscape, recomputed as on every slider move, is the same grid each time and returns its memory', () => {
  const o = { fn: 'rosenbrock', x: [-2, 2], y: [-1, 3], nx: 400, ny: 400 };
  lab.landscape(o);
  const warm = lab.memoryBytes;
  for (const fn of ['rosenbrock', 'rastrigin', 'six_hump_camel']) {
    const first = lab.landscape({ ...o, fn });
    assert.equal(first.length, 400 * 400);
    assert.ok(first.every(Number.isFinite), fn);
    for (let i = 0; i < 20; i++) assert.deepEqual(lab.landscape({ ...o, fn }), first, fn);
  }
  assert.equal(lab.memoryBytes, warm);
});

test('trace: x[0] is the start, arrays are typed and as long as the points, loss and grad_norm follow the surface', () => {
  const r = lab.trace({ fn: 'booth', start: [-3, 4], optimizer: { type: 'SGD', lr: 0.05, momentum: 0.5 }, steps: 300 });
  assert.ok(r.x instanceof Float32Array && r.lr instanceof Float64Array && r.evals instanceof Int32Array);
  assert.equal(r.x.length, 301);
  assert.deepEqual([r.x[0], r.y[0]], [-3, 4]);
  assert.equal(r.loss[0], REF.booth(-3, 4));
  const gx = 2 * (-3 + 8 - 7) + 4 * (-6 + 4 - 5), gy = 4 * (-3 + 8 - 7) + 2 * (-6 + 4 - 5);
  assert.ok(Math.abs(r.grad_norm[0] - Math.hypot(gx, gy)) < 1e-5);
  assert.equal(r.diverged, false);
  assert.equal(r.stopped_at, 300);
  assert.ok(Math.abs(r.x[300] - 1) < 1e-4 && Math.abs(r.y[300] - 3) < 1e-4, 'reaches the minimum (1, 3)');
  for (let k = 0; k <= 300; k++) assert.ok(Math.abs(r.loss[k] - REF.booth(r.x[k], r.y[k])) <= 1e-5 * (1 + r.loss[k]));
  assert.deepEqual(Array.from(r.evals.slice(0, 3)), [1, 1, 1]);
});

test('diverging runs stop with diverged: true and never hold NaN', () => {
  const a = lab.trace({ fn: 'saddle', start: [0.5, 0.01], optimizer: { type: 'SGD', lr: 0.01 }, steps: 100000 });
  assert.equal(a.diverged, true);
  assert.ok(a.stopped_at > 100 && a.stopped_at < 100000);
  assert.equal(a.x.length, a.stopped_at + 1);
  for (const key of ['x', 'y', 'loss', 'grad_norm', 'lr']) assert.ok(a[key].every(Number.isFinite), key);
  assert.ok(Math.abs(a.y.at(-1)) <= 1e12 && Math.abs(a.loss.at(-1)) <= 1e12);
  const b = lab.trace({ fn: 'rosenbrock', start: [-1.5, 2], optimizer: { type: 'SGD', lr: 1 }, steps: 200 });
  assert.equal(b.diverged, true);
  assert.ok(b.stopped_at < 10);
  for (const key of ['x', 'y', 'loss', 'grad_norm']) assert.ok(b[key].every(Number.isFinite), key);
  // a run that stays bounded is not flagged
  assert.equal(lab.trace({ fn: 'saddle', start: [0.5, 0], optimizer: { type: 'SGD', lr: 0.01 }, steps: 500 }).diverged, false);
});

test('gradient noise: the same seed gives the same path, another seed another, and sigma 0 no noise', () => {
  const o = { fn: 'quadratic', start: [-4, 1], optimizer: { type: 'SGD', lr: 0.05 }, steps: 100 };
  const clean = lab.trace(o);
  const a = lab.trace({ ...o, noise: 0.5, seed: 7 });
  const b = lab.trace({ ...o, noise: 0.5, seed: 7 });
  const c = lab.trace({ ...o, noise: 0.5, seed: 8 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.x, c.x);
  assert.notDeepEqual(a.x, clean.x);
  assert.deepEqual(lab.trace({ ...o, noise: 0, seed: 3 }), clean);
  // the noise has the requested size: with lr 1 and a zero gradient, each step is the noise itself
  const flat = lab.trace({ fn: 'quadratic', fn_params: { a: 0, b: 0 }, start: [0, 0], optimizer: { type: 'SGD', lr: 1 },
    noise: 2, seed: 1, steps: 4000 });
  const d = [];
  for (let k = 1; k < flat.x.length; k++) d.push(flat.x[k] - flat.x[k - 1], flat.y[k] - flat.y[k - 1]);
  const mean = d.reduce((s, v) => s + v, 0) / d.length;
  const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length);
  assert.ok(Math.abs(mean) < 0.1 && Math.abs(sd - 2) < 0.1, `mean ${mean}, sd ${sd}`);
});

test('LBFGS traces count objective evaluations per step', () => {
  const r = lab.trace({ fn: 'rosenbrock', start: [-1.5, 2], optimizer: { type: 'LBFGS', line_search_fn: 'strong_wolfe' }, steps: 5 });
  assert.ok(r.evals[0] > 1);
  assert.equal(r.evals[5], 0);
  assert.ok(r.loss[5] < 1e-8, 'L-BFGS arrives in a handful of steps');
});

test('bad trace and landscape input gets a SteplabError; everything keeps working', () => {
  const ok = { fn: 'rosenbrock', start: [-1, 1], optimizer: { type: 'Adam', lr: 0.1 }, steps: 10 };
  assertError(() => lab.trace({ ...ok, fn: 'rosenbrok' }), 'surface: type must be one of rosenbrock, beale', "got 'rosenbrok'");
  assertError(() => lab.trace({ ...ok, optimizer: { type: 'Adamw' } }), 'optimizer: type must be one of', "got 'Adamw'");
  assertError(() => lab.trace({ ...ok, start: [1] }), 'trace: start must be two finite numbers [x, y], got an array of 1');
  assertError(() => lab.trace({ ...ok, start: [1, NaN] }), 'trace: start must be two finite numbers', 'NaN');
  assertError(() => lab.trace({ ...ok, start: 'here' }), 'trace: start', "got 'here'");
  assertError(() => lab.trace({ ...ok, steps: 0 }), 'trace: steps must be an integer in [1, 100000], got 0');
  assertError(() => lab.trace({ ...ok, steps: -3 }), 'trace: steps', 'got -3');
  assertError(() => lab.trace({ ...ok, steps: 100001 }), 'trace: steps', 'got 100001');
  assertError(() => lab.trace({ ...ok, steps: 2.5 }), 'trace: steps', 'got 2.5');
  assertError(() => lab.trace({ ...ok, noise: -1 }), 'trace: noise must be a finite number >= 0, got -1');
  assertError(() => lab.trace({ ...ok, seed: 1.5 }), 'trace: seed', 'got 1.5');
  assertError(() => lab.trace({ ...ok, fn_params: { c: 1 } }), "rosenbrock: unknown parameter 'c'");
  assertError(() => lab.trace({ ...ok, optimizer: { type: 'Adam', lr: -1 } }), 'Adam: lr must be a number >= 0, got -1');
  assertError(() => lab.trace({ ...ok, optimizer: { type: 'Adam', scheduler: { type: 'StepLR', step_size: 1 } },
    scheduler: { type: 'StepLR', step_size: 2 } }), 'trace: scheduler is given twice');
  assertError(() => lab.trace({ ...ok, fn: 'quadratic', optimizer: { type: 'SGD', lr: 0.01 },
    scheduler: { type: 'OneCycleLR', max_lr: 0.1, total_steps: 5 } }),
    'OneCycleLR: total_steps is 5');
  assertError(() => lab.trace(null), 'trace: takes an options object');
  assertError(() => lab.landscape({ fn: 'beale', x: [1, 1], y: [0, 1], nx: 4, ny: 4 }), 'beale: x must be [min, max] with finite min < max, got [1, 1]');
  assertError(() => lab.landscape({ fn: 'beale', x: [0, 1], y: [0, 1], nx: 1, ny: 4 }), 'beale: nx must be an integer in [2, 8388608], got 1');
  assertError(() => lab.landscape({ fn: 'beale', x: [0, 1], y: [0, 1], nx: 4, ny: 1.5 }), 'beale: ny', 'got 1.5');
  assertError(() => lab.landscape({ fn: 'beale', x: [0, 1], y: [0, 1], nx: 5000, ny: 5000 }),
    'beale: nx * ny must be at most 16777216 (4096 x 4096 points), got 5000 x 5000');
  assertError(() => lab.landscape({ fn: 'beale', x: [0], y: [0, 1], nx: 4, ny: 4 }), 'beale: x must be [min, max] (two numbers)');
  assertError(() => lab.landscape({ fn: 'cliff', x: [0, 1], y: [0, 1], nx: 4, ny: 4 }), "surface: type must be one of", "got 'cliff'");
  const r = lab.trace(ok);
  assert.equal(r.x.length, 11);
  assert.equal(lab.landscape({ fn: 'booth', x: [1, 2], y: [3, 4], nx: 2, ny: 2 })[0], 0);
});

const CATEGORIES = ['bowl', 'valley', 'plateau', 'multimodal', 'saddle'];

test('each surface row gives the page its view, a start inside it, its category, a starter and the global minima', () => {
  for (const k of lab.registry.surfaces) {
    assert.ok(CATEGORIES.includes(k.category), `${k.name}: ${k.category}`);
    assert.equal(k.starter.type, k.name);
    assert.equal(k.length_param, null);
    const { x, y } = k.view;
    assert.ok(x[0] < k.start[0] && k.start[0] < x[1] && y[0] < k.start[1] && k.start[1] < y[1], k.name);
    for (const m of k.minima) {
      // the listed value, and nothing lower on a small ring around it (double-precision reference)
      assert.ok(Math.abs(REF[k.name](m.x, m.y) - m.value) < 1e-12, `${k.name} at (${m.x}, ${m.y})`);
      for (let a = 0; a < 16; a++) {
        const px = m.x + 1e-3 * Math.cos(a * Math.PI / 8), py = m.y + 1e-3 * Math.sin(a * Math.PI / 8);
        assert.ok(REF[k.name](px, py) > m.value, `${k.name}: lower than the minimum near (${m.x}, ${m.y})`);
      }
    }
  }
  const minima = Object.fromEntries(lab.registry.surfaces.map((k) => [k.name, k.minima]));
  assert.deepEqual(minima.rosenbrock, [{ x: 1, y: 1, value: 0 }]);
  assert.deepEqual(minima.beale, [{ x: 3, y: 0.5, value: 0 }]);
  assert.deepEqual(minima.booth, [{ x: 1, y: 3, value: 0 }]);
  assert.deepEqual(minima.rastrigin, [{ x: 0, y: 0, value: 0 }]);
  assert.equal(minima.himmelblau.length, 4);
  assert.equal(minima.six_hump_camel.length, 2);
  assert.deepEqual(minima.saddle, []);
});

test('steplab-specs.d.ts lists exactly the registry\'s surfaces', () => {
  const dts = fs.readFileSync(new URL('../web/lib/steplab-specs.d.ts', import.meta.url), 'utf8');
  const line = /export type SurfaceName = ([^;]+);/.exec(dts)[1];
  assert.deepEqual([...line.matchAll(/'(\w+)'/g)].map((m) => m[1]).sort(), [...lab.surfaces].sort());
});

test('nx and ny cross into the core as numbers: the issue\'s 2 ** 32 + 128 and 2 ** 31 are refused, and the module keeps working', () => {
  const big = () => lab.landscape({ fn: 'rastrigin', x: [-5, 5], y: [-5, 5], nx: 2 ** 32 + 128, ny: 128 });
  assert.throws(big, (e) => e.name === 'SteplabError' && e.field === 'nx' && e.message === 'rastrigin: nx must be an integer in [2, 8388608], got 4294967424');
  assert.throws(() => lab.landscape({ fn: 'rastrigin', x: [-5, 5], y: [-5, 5], nx: 2 ** 31, ny: 128 }),
    (e) => e.field === 'nx' && e.message.endsWith('got 2147483648'));
  assert.throws(() => lab.landscape({ fn: 'rastrigin', x: [-5, 5], y: [-5, 5], nx: 2 ** 32 + 32, ny: 32 }), (e) => e.field === 'nx');
  for (const v of [2 ** 31, 2 ** 32, -1, 2 ** 53, NaN]) {
    assert.throws(() => lab.landscape({ fn: 'booth', x: [0, 1], y: [0, 1], nx: 4, ny: v }), (e) => e.field === 'ny', `ny ${v}`);
    assert.throws(() => lab.trace({ fn: 'booth', start: [0, 0], optimizer: { type: 'Adam' }, steps: v }), (e) => e.field === 'steps');
  }
  // afterwards: right numbers from the landscape, a schedule and a loss
  assert.deepEqual(Array.from(lab.landscape({ fn: 'rastrigin', x: [-1, 1], y: [-1, 1], nx: 3, ny: 3 })), [2, 1, 2, 1, 0, 1, 2, 1, 2]);
  assert.equal(lab.schedule({ type: 'StepLR', step_size: 1, gamma: 0.5, lr: 1 }, 3)[2], 0.25);
  assert.equal(lab.loss({ type: 'MSELoss' }, [1, 2], [1, 4]).value, 2);
});

test('a trace\'s work is bounded before it starts, with a message saying what to lower', () => {
  const hours = { fn: 'rosenbrock', start: [-1.5, 2], optimizer: { type: 'LBFGS', max_iter: 1e6, tolerance_grad: 0, tolerance_change: 0 },
    noise: 1, steps: 1e5 };
  assertError(() => lab.trace(hours), 'LBFGS: steps x max_eval = 125000000000 closure evaluations is more than the limit of 2000000',
    'lower steps or max_iter/max_eval');
  assertError(() => lab.trace({ ...hours, steps: 2 }), 'LBFGS: steps x max_eval = 2500000');
  assertError(() => lab.trace({ ...hours, optimizer: { type: 'LBFGS', history_size: 1000 }, steps: 2000 }),
    'LBFGS: steps x max_iter x history_size = 40000000 history rows is more than the limit of 20000000', 'lower steps, max_iter or history_size');
  // the race's LBFGS (max_iter up to 100, 2000 steps) and 1e5 steps of the others stay within it
  assert.equal(lab.trace({ ...hours, optimizer: { type: 'LBFGS', max_iter: 100, line_search_fn: 'strong_wolfe' }, steps: 2000, noise: 0 }).x.length > 1, true);
  assert.equal(lab.trace({ fn: 'booth', start: [-8, -7], optimizer: { type: 'SGD', lr: 0.01 }, steps: 1e5 }).stopped_at, 1e5);
});

test('lab.trace reports SWATS\'s switch to SGD: the step and rate of createOptimizer\'s SWATS fed the same gradients', () => {
  const optimizer = { type: 'SWATS', lr: 0.01, eps: 1e-3 };
  const t = lab.trace({ fn: 'himmelblau', start: [-1, 1], optimizer, steps: 200 });
  assert.ok(t.swats, 'it switches');
  // the surface's gradient at a point: one SGD step of lr 1 from it moves by minus the gradient
  const grad = (x, y) => { const s = lab.trace({ fn: 'himmelblau', start: [x, y], optimizer: { type: 'SGD', lr: 1 }, steps: 1 }); return [x - s.x[1], y - s.y[1]]; };
  const opt = lab.createOptimizer(optimizer, 2);
  const p = Float32Array.from([-1, 1]);
  for (let k = 0; k < t.swats.step; k++) {
    opt.step(p, Float32Array.from(grad(p[0], p[1])));
    assert.deepEqual(Array.from(p), [t.x[k + 1], t.y[k + 1]], `step ${k + 1}`);
  }
  assert.deepEqual({ step: opt.swats[0].step, lr: opt.swats[0].lr }, t.swats);
  assert.equal(lab.trace({ fn: 'himmelblau', start: [-1, 1], optimizer: { type: 'Adam', lr: 0.01 }, steps: 5 }).swats, null);
});
