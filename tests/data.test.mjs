// Data sets (lab.dataset): the registry, each generator's shape, determinism
// (the same floats as the native build), the stratified split, standardisation,
// the shipped Iris and digits against scikit-learn (tests/fixtures/datasets.json,
// made by c/data/export_datasets.py), explicit arrays and their errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { lab, fixture, assertError, SteplabError, digitsBytes } from './helpers.mjs';
import { loadSteplab } from '../dist/steplab.mjs';

const fx = fixture('datasets.json');
const fnv = (u8) => {
  let h = 2166136261;
  for (const b of u8) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
};
const raw = { standardize: false, val_fraction: 0, shuffle: false };

test('lab.datasets lists every data set; the registry has their parameters', () => {
  assert.deepEqual(lab.datasets, ['circle', 'xor', 'gaussians', 'spiral', 'moons', 'blobs', 'spirals', 'sine',
    'linear_outliers', 'plane', 'imbalanced', 'iris', 'digits']);
  const moons = lab.registry.datasets.find((k) => k.name === 'moons');
  const p = Object.fromEntries(moons.params.map((q) => [q.name, q]));
  assert.deepEqual([p.n_samples.default, p.noise.default, p.seed.default, p.val_fraction.default, p.standardize.default],
    [100, 0, 0, 0.2, 1]); // the registry writes boolean defaults as 0 or 1
  for (const k of lab.registry.datasets) assert.ok(k.summary.length > 5 && k.params.every((q) => q.help.length > 3), k.name);
});

test('every generated set has its shape, task and class balance', () => {
  const want = {
    circle: [2, 2, 'binary'], xor: [2, 2, 'binary'], gaussians: [2, 2, 'binary'], spiral: [2, 2, 'binary'],
    moons: [2, 2, 'binary'], blobs: [2, 3, 'multiclass'], spirals: [2, 3, 'multiclass'], sine: [1, 0, 'regression'],
    linear_outliers: [1, 0, 'regression'], plane: [2, 0, 'regression'], imbalanced: [2, 2, 'binary'], iris: [4, 3, 'multiclass'],
  };
  for (const [name, [d, classes, task]] of Object.entries(want)) {
    const ds = lab.dataset({ name });
    assert.equal(ds.name, name);
    assert.equal(ds.n_features, d, name);
    assert.equal(ds.n_classes, classes, name);
    assert.equal(ds.task, task, name);
    assert.equal(ds.X.length, ds.n_samples * d);
    assert.equal(ds.y.length, ds.n_samples);
    assert.ok(task === 'regression' ? ds.y instanceof Float32Array : ds.y instanceof Int32Array, name);
    assert.equal(ds.n_train + ds.n_val, ds.n_samples);
    assert.ok(Math.abs(ds.n_val - 0.2 * ds.n_samples) <= classes + 1, `${name}: ${ds.n_val} validation rows`);
    assert.ok(ds.X.every(Number.isFinite) && ds.y.every(Number.isFinite), name);
  }
  const moons = lab.dataset({ name: 'moons', n_samples: 300, noise: 0.05 });
  assert.equal(moons.n_samples, 300);
  const counts = [0, 0];
  moons.y.forEach((c) => counts[c]++);
  assert.deepEqual(counts, [150, 150]);
  const imb = lab.dataset({ name: 'imbalanced', n_samples: 2000, positive_rate: 0.05 });
  assert.equal(imb.y.reduce((s, v) => s + v, 0), 100);
});

test('same spec, same floats, in wasm SIMD and scalar builds and natively (checksums shared with the C tests)', async () => {
  const scalar = await loadSteplab({ wasm: fs.readFileSync(new URL('../dist/steplab-scalar.wasm', import.meta.url)) });
  const cases = [
    [{ name: 'moons', noise: 0.1, seed: 7 }, 1608805262],
    [{ name: 'spirals', seed: 3, n_classes: 4 }, 1208052916],
    [{ name: 'circle', noise: 0.2, seed: 1 }, 1128843947],
    [{ name: 'linear_outliers', seed: 2 }, 1798333262],
  ];
  for (const l of [lab, scalar]) {
    for (const [spec, sum] of cases) {
      const d = l.dataset(spec);
      const all = new Float32Array(d.X.length + d.y.length);
      all.set(d.X);
      all.set(d.y, d.X.length);
      assert.equal(fnv(new Uint8Array(all.buffer)), sum, spec.name);
    }
  }
  assert.deepEqual(lab.dataset({ name: 'xor', seed: 5 }), lab.dataset({ name: 'xor', seed: 5 }));
  assert.notDeepEqual(lab.dataset({ name: 'xor', seed: 5 }).X, lab.dataset({ name: 'xor', seed: 6 }).X);
});

test('moons without noise lie on sklearn make_moons half circles', () => {
  const ds = lab.dataset({ name: 'moons', n_samples: 50, ...raw });
  for (let i = 0; i < 50; i++) {
    const [x, z] = [ds.X[2 * i], ds.X[2 * i + 1]];
    const r = ds.y[i] === 0 ? Math.hypot(x, z) : Math.hypot(x - 1, z - 0.5);
    assert.ok(Math.abs(r - 1) < 1e-6, `row ${i}`);
  }
  // sklearn order without shuffling: outer arm from (1, 0) to (-1, 0), then the inner arm from (0, 0.5)
  assert.deepEqual([ds.X[0], ds.X[1], ds.y[0], ds.X[50], ds.X[51], ds.y[25]], [1, 0, 0, 0, 0.5, 1]);
});

test('the split is stratified, seeded, and leaves the points themselves unchanged', () => {
  const all = lab.dataset({ name: 'blobs', n_samples: 90, seed: 3, standardize: false, val_fraction: 0 });
  const split = lab.dataset({ name: 'blobs', n_samples: 90, seed: 3, standardize: false, val_fraction: 0.3 });
  assert.equal(split.n_train, 63);
  const valCounts = [0, 0, 0];
  for (let i = split.n_train; i < 90; i++) valCounts[split.y[i]]++;
  assert.deepEqual(valCounts, [9, 9, 9]);
  const key = (d, i) => `${d.X[2 * i]},${d.X[2 * i + 1]},${d.y[i]}`;
  const a = new Set(Array.from({ length: 90 }, (_, i) => key(all, i)));
  const b = new Set(Array.from({ length: 90 }, (_, i) => key(split, i)));
  assert.deepEqual(a, b);
  // many small classes: round(0.2 x 32) = 6 rows held out, one from each of six classes
  const small = lab.dataset({ name: 'spirals', n_samples: 32, n_classes: 16, val_fraction: 0.2 });
  assert.equal(small.n_val, 6);
  assert.equal(new Set(small.y.slice(small.n_train)).size, 6);
  const other = lab.dataset({ name: 'blobs', n_samples: 90, seed: 3, standardize: false, val_fraction: 0.3, shuffle: false });
  assert.notDeepEqual(Array.from(other.X.slice(0, 10)), Array.from(split.X.slice(0, 10)));
});

test('standardisation uses the training split: mean 0 and std 1 there; mean and scale undo it', () => {
  const rawSet = lab.dataset({ name: 'gaussians', noise: 0.3, seed: 2, standardize: false });
  const std = lab.dataset({ name: 'gaussians', noise: 0.3, seed: 2 });
  const nt = std.n_train;
  for (let j = 0; j < 2; j++) {
    let s = 0;
    let ss = 0;
    for (let i = 0; i < nt; i++) s += std.X[2 * i + j];
    for (let i = 0; i < nt; i++) ss += (std.X[2 * i + j] - s / nt) ** 2;
    assert.ok(Math.abs(s / nt) < 1e-6);
    assert.ok(Math.abs(ss / nt - 1) < 1e-5);
    for (let i = 0; i < std.n_samples; i++) {
      assert.ok(Math.abs(std.X[2 * i + j] * std.scale[j] + std.mean[j] - rawSet.X[2 * i + j]) < 1e-5);
    }
  }
  assert.deepEqual(Array.from(rawSet.mean), [0, 0]);
  assert.deepEqual(Array.from(rawSet.scale), [1, 1]);
});

test('Iris equals scikit-learn\'s, with its feature and class names', () => {
  const ds = lab.dataset({ name: 'iris', ...raw });
  assert.deepEqual(Array.from(ds.X), fx.iris.X.flat().map(Math.fround));
  assert.deepEqual(Array.from(ds.y), fx.iris.y);
  assert.deepEqual(ds.feature_names, fx.iris.feature_names);
  assert.deepEqual(ds.class_names, fx.iris.target_names);
});

test('digits: loaded from dist/steplab-digits.bin.gz, equal to scikit-learn\'s', async () => {
  // in Node the module reads the file beside itself (without it: tests/node-build.test.mjs)
  const withDigits = await loadSteplab({ digits: digitsBytes });
  assert.deepEqual(lab.dataset({ name: 'digits', seed: 3 }), withDigits.dataset({ name: 'digits', seed: 3 }));
  const ds = withDigits.dataset({ name: 'digits', ...raw });
  const f = fx.digits;
  assert.equal(ds.n_samples, f.n_samples);
  assert.equal(ds.n_features, f.n_features);
  assert.equal(ds.n_classes, 10);
  assert.equal(fnv(Uint8Array.from(ds.X)), f.pixels_fnv1a);
  assert.equal(fnv(Uint8Array.from(ds.y)), f.labels_fnv1a);
  assert.equal(ds.X.reduce((s, v) => s + v, 0), f.pixel_sum);
  for (const [row, pixels] of Object.entries(f.rows)) {
    assert.deepEqual(Array.from(ds.X.slice(row * 64, row * 64 + 64)), pixels, `row ${row}`);
    assert.equal(ds.y[row], f.labels[row]);
  }
  const counts = new Array(10).fill(0);
  ds.y.forEach((c) => counts[c]++);
  assert.deepEqual(counts, f.class_counts);
  assert.deepEqual(ds.feature_names, f.feature_names);
  // the default: shuffled, standardised, 20 % held out per class
  const d2 = withDigits.dataset({ name: 'digits', seed: 1 });
  assert.equal(d2.n_val, Math.round(0.2 * 1797));
  // already ungzipped bytes work too; damaged bytes are refused
  await loadSteplab({ digits: new Uint8Array(await new Response(new Blob([digitsBytes]).stream()
    .pipeThrough(new DecompressionStream('gzip'))).arrayBuffer()) });
  await assert.rejects(loadSteplab({ digits: new Uint8Array(100) }), /digits: data must be the file dist\/steplab-digits.bin.gz/);
  await assert.rejects(loadSteplab({ digits: 'digits.bin' }), /digits: data must be the bytes/);
});

test('explicit arrays: rows of features with class indices or targets', () => {
  const X = [[0, 1], [1, 0], [2, 2], [3, 1], [4, 0], [5, 5], [6, 1], [7, 2], [8, 3], [9, 9]];
  const y = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
  const ds = lab.dataset({ X, y, task: 'binary', val_fraction: 0, standardize: false });
  assert.equal(ds.name, 'arrays');
  assert.deepEqual(Array.from(ds.X), X.flat());
  assert.deepEqual(Array.from(ds.y), y);
  assert.equal(ds.feature_names, undefined);
  const split = lab.dataset({ X, y, task: 'multiclass', val_fraction: 0.2, seed: 4 });
  assert.equal(split.n_val, 2);
  assert.deepEqual(Array.from(split.y.slice(8)).sort(), [0, 1]);
  const reg = lab.dataset({ X: X.map((r) => Float64Array.from(r)), y: X.map((r) => r[0] * 0.5), task: 'regression', val_fraction: 0 });
  assert.ok(reg.y instanceof Float32Array && reg.y[9] === 4.5);
});

test('bad specs and arrays are SteplabErrors naming the field and row; then it still works', () => {
  const X = [[0, 1], [1, 0], [2, 2], [3, 1]];
  const y = [0, 1, 0, 1];
  assertError(() => lab.dataset({ name: 'swiss_roll' }), 'dataset: name must be one of circle, xor', "got 'swiss_roll'");
  assertError(() => lab.dataset('moons'), "dataset: spec must be an object with a 'name'");
  assertError(() => lab.dataset({}), 'dataset: name is required');
  assertError(() => lab.dataset({ name: 'moons', n_samples: 1.5 }), 'moons: n_samples must be an integer in [2, 1000000], got 1.5');
  assertError(() => lab.dataset({ name: 'moons', noise: NaN }), 'moons: noise must be a number in [0, 100], got NaN');
  assertError(() => lab.dataset({ name: 'spiral', val_fraction: -0.1 }), 'spiral: val_fraction must be a number in [0, 1), got -0.1');
  assertError(() => lab.dataset({ name: 'circle', standardize: 'yes' }), "circle: standardize must be true or false, got 'yes'");
  assertError(() => lab.dataset({ name: 'iris', n_samples: 10 }), "iris: unknown parameter 'n_samples'");
  assertError(() => lab.dataset({ X: [[0, 1], [1]], y: [0, 1], task: 'binary' }), 'dataset: X row 1 must be an array of 2 numbers, got an array of 1');
  assertError(() => lab.dataset({ X: [[0, 1], [1, 'a']], y: [0, 1], task: 'binary' }), "dataset: X row 1, column 1 must be a finite number, got 'a'");
  assertError(() => lab.dataset({ X: [[0, 1], [1, NaN], [2, 2]], y: [0, 1, 0], task: 'binary' }), 'dataset: X row 1, column 1 must be a finite number, got NaN');
  assertError(() => lab.dataset({ X: [[0, 1], [1, 1e300]], y: [0, 1], task: 'binary' }), 'dataset: X row 1, column 1 must be a finite number (float32), got 1e+300');
  assertError(() => lab.dataset({ X: [[0, 1]], y: [0], task: 'binary' }), 'dataset: X must have 2 to 1000000 rows, got 1');
  assertError(() => lab.dataset({ X: 'data.csv', y, task: 'binary' }), 'dataset: X must be an array of rows');
  assertError(() => lab.dataset({ X, y: [0, 1, 0], task: 'binary' }), 'dataset: y must hold one number per row of X (4), got an array of 3');
  assertError(() => lab.dataset({ X, y: [0, 1, 0, 2], task: 'binary' }), "dataset: y row 3 must be a class index (an integer in [0, 1]) for task 'binary', got 2");
  assertError(() => lab.dataset({ X, y: [0, 1, 0.5, 1], task: 'multiclass' }), 'dataset: y row 2 must be a class index');
  assertError(() => lab.dataset({ X: [[], []], y: [0, 1], task: 'binary' }), 'dataset: X rows must hold 1 to');
  assertError(() => lab.dataset({ X, y: [0, 1, null, 1], task: 'regression' }), 'dataset: y row 2 must be a finite number, got null');
  assertError(() => lab.dataset({ X, y, task: 'ranking' }), "dataset: task must be one of 'binary', 'multiclass', 'regression', got 'ranking'");
  assertError(() => lab.dataset({ X, y }), 'dataset: task is required');
  assertError(() => lab.dataset({ X, y, task: 'binary', name: 'moons' }), 'dataset: name must not be given with X and y');
  assertError(() => lab.dataset({ X, y, task: 'binary', noise: 0.1 }), "dataset: unknown parameter 'noise'");
  assertError(() => lab.dataset({ X, y, task: 'binary', val_fraction: 0.1 }), 'dataset: val_fraction 0.1 of 4 samples leaves the validation split empty');
  assert.equal(lab.dataset({ X, y, task: 'binary', val_fraction: 0.5 }).n_val, 2);
  assert.equal(lab.dataset({ name: 'moons' }).n_samples, 100);
});

test('large data sets work and memory is returned', () => {
  const big = lab.dataset({ name: 'spirals', n_samples: 200000, n_classes: 5 });
  assert.equal(big.n_samples, 200000);
  const first = lab.dataset({ name: 'moons', n_samples: 5000 });
  const warm = lab.memoryBytes;
  for (let i = 0; i < 200; i++) {
    lab.dataset({ name: 'moons', n_samples: 5000 });
    assert.throws(() => lab.dataset({ name: 'moons', noise: -1 }), SteplabError);
  }
  assert.deepEqual(lab.dataset({ name: 'moons', n_samples: 5000 }), first);
  assert.equal(lab.memoryBytes, warm);
});

test('CSV text becomes an explicit data set: header, delimiters, target and task', () => {
  const csv = lab.parseCSV('x1,x2,label\r\n0.5, -1 ,1\n# a note\n\n2,.25,0\n-3,4e-1,1\n');
  assert.deepEqual(csv.feature_names, ['x1', 'x2']);
  assert.equal(csv.target_name, 'label');
  assert.equal(csv.dataset.task, 'binary');
  assert.deepEqual(csv.dataset.X.map((r) => Array.from(r)), [[0.5, -1], [2, 0.25], [-3, 0.4]]);
  assert.deepEqual(Array.from(csv.dataset.y), [1, 0, 1]);
  const ds = lab.dataset({ ...csv.dataset, standardize: false, val_fraction: 0 });
  assert.deepEqual(Array.from(ds.X), [0.5, -1, 2, 0.25, -3, 0.4].map(Math.fround));

  const byName = lab.parseCSV('a;b;c\n1;2;0\n3;4;2\n5;6;1', { target: 'a' });
  assert.equal(byName.dataset.task, 'multiclass', 'integer targets 1, 3, 5 are read as classes');
  assert.deepEqual(byName.feature_names, ['b', 'c']);
  const multi = lab.parseCSV('1\t2\t0\n3\t4\t2\n5\t6\t1\n');
  assert.equal(multi.dataset.task, 'multiclass');
  assert.deepEqual(multi.feature_names, ['column 1', 'column 2']);
  const reg = lab.parseCSV('x,y\n1,0.5\n2,1.5\n');
  assert.equal(reg.dataset.task, 'regression');
  assert.equal(lab.parseCSV('x,y\n1,0\n2,1\n', { task: 'regression' }).dataset.task, 'regression');
});

test('a bad CSV is a SteplabError naming the line and column; nothing is kept; then it still works', () => {
  assertError(() => lab.parseCSV('a,b\n1,2\n3,<script>\n'), "CSV: line 3, column 2 must be a finite number, got '<script>'");
  assertError(() => lab.parseCSV('a,b\n1,2,3\n'), 'CSV: line 2 has 3 fields, expected 2');
  assertError(() => lab.parseCSV('a,b\n1,NaN\n'), "got 'NaN'");
  assertError(() => lab.parseCSV(''), 'CSV: has no data lines');
  assertError(() => lab.parseCSV('a\n1\n2\n'), 'CSV: text needs at least 2 columns');
  assertError(() => lab.parseCSV('a,b\n1,2\n', { target: 'c' }), 'CSV: target must be a column name (a, b)');
  assertError(() => lab.parseCSV(42), 'CSV: text must be a string, got 42');
  assertError(() => lab.dataset(lab.parseCSV('a,b\n1,0.5\n2,3\n', { task: 'binary' }).dataset), 'dataset: y row 0 must be a class index');
  assert.equal(lab.parseCSV('a,b\n1,0\n2,1\n').dataset.X.length, 2);
});

test('registry rows: category, task, summary and a starter that makes a data set of that task', async () => {
  const withDigits = await loadSteplab({ digits: digitsBytes });
  for (const k of lab.registry.datasets) {
    assert.ok(['classification', 'regression', 'real'].includes(k.category), k.name);
    assert.ok(lab.registry.trainer.tasks.includes(k.task) && k.summary.length > 10, k.name);
    assert.equal(k.starter.name, k.name);
    const d = withDigits.dataset(k.starter);
    assert.equal(d.task, k.task, k.name);
    assert.equal(d.n_samples, k.starter.n_samples ?? (k.name === 'iris' ? 150 : k.name === 'digits' ? 1797 : k.params.find((p) => p.name === 'n_samples').default));
  }
  const moons = lab.registry.datasets.find((k) => k.name === 'moons').starter;
  assert.deepEqual(moons, { name: 'moons', n_samples: 400, noise: 0.2, seed: 0, val_fraction: 0.2 });
});
