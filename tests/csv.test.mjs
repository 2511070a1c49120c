// lab.parseCSV on files as people have them: Excel's byte-order mark, UTF-8 header names, CR / CRLF
// / LF line ends, a validated task, and class labels written as text, kept as class names by
// lab.dataset and accepted by createTrainer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lab, assertError } from './helpers.mjs';

test('a byte-order mark, UTF-8 names and every line ending', () => {
  const plain = lab.parseCSV('\uFEFF1,2,0\n3,4,1\n5,6,0');
  assert.equal(plain.dataset.X.length, 3);
  assert.deepEqual(Array.from(plain.dataset.X[0]), [1, 2]);
  const named = lab.parseCSV('\uFEFFa,température,温度,label\r\n1,2,3,0\r\n4,5,6,1\r\n', { target: 'a' });
  assert.equal(named.target_name, 'a');
  assert.deepEqual(named.feature_names, ['température', '温度', 'label']);
  assert.deepEqual(Array.from(named.dataset.y), [1, 4]);
  for (const text of ['x,y\r1,0\r2,1\r', 'x,y\r\n1,0\r\n2,1', 'x,y\n1,0\r2,1\r\n', 'x,y\r\r\n1,0\n\n\r2,1']) {
    const r = lab.parseCSV(text);
    assert.equal(r.dataset.X.length, 2, JSON.stringify(text));
    assert.deepEqual(r.feature_names, ['x']);
    assert.deepEqual(Array.from(r.dataset.y), [0, 1]);
  }
  assertError(() => lab.parseCSV('x,y\r1,0\r2,z\r'), 'CSV: line 3, column 2');
});

test('task is one of the core\'s task names', () => {
  assertError(() => lab.parseCSV('a,b\n1,0\n2,1\n', { task: 'bogus' }), "CSV: task must be one of binary, multiclass, regression, got 'bogus'");
  assertError(() => lab.parseCSV('a,b\n1,0\n2,1\n', { task: 1 }), 'CSV: task must be one of');
  assert.equal(lab.parseCSV('a,b\n1,0\n2,1\n', null).dataset.task, 'binary');
  assert.equal(lab.parseCSV('a,b\n1,0\n2,1\n', { task: 'multiclass' }).dataset.task, 'multiclass');
  assert.equal(lab.parseCSV('a,b\n1,0\n2,1\n').dataset.task, 'binary');
});

test('text class labels become classes in sorted order, their names kept through lab.dataset and the trainer', () => {
  const rows = [];
  for (let i = 0; i < 40; i++) {
    const a = (i * 2.399) % (2 * Math.PI), r = i % 2 ? 2 : 0.7;
    rows.push(`${(r * Math.cos(a)).toFixed(3)},${(r * Math.sin(a)).toFixed(3)},${i % 2 ? 'outer' : 'inner'}`);
  }
  const text = `x1,x2,ring\n${rows.join('\n')}\n`;
  const parsed = lab.parseCSV(text);
  assert.deepEqual(parsed.class_names, ['inner', 'outer']);
  assert.deepEqual(parsed.dataset.class_names, ['inner', 'outer']);
  assert.equal(parsed.dataset.task, 'binary');
  assert.deepEqual(Array.from(parsed.dataset.y.subarray(0, 4)), [0, 1, 0, 1]);
  assert.deepEqual(parsed.feature_names, ['x1', 'x2']);
  assert.equal(parsed.target_name, 'ring');
  // the same classes whatever the row order: the labels are sorted, not numbered by first appearance
  assert.deepEqual(lab.parseCSV(`x1,x2,ring\n${rows.slice(1).join('\n')}\n`).class_names, ['inner', 'outer']);

  const ds = lab.dataset(parsed.dataset);
  assert.deepEqual(ds.class_names, ['inner', 'outer']);
  assert.equal(ds.n_classes, 2);
  const run = lab.createTrainer({ dataset: parsed.dataset, model: { hidden: [8], activation: 'tanh' }, loss: { type: 'BCEWithLogitsLoss' },
    optimizer: { type: 'Adam', lr: 0.05 }, batch_size: 8, epochs: 30, seed: 0 });
  run.fit();
  assert.ok(run.evaluate('train').accuracy > 0.9, `accuracy ${run.evaluate('train').accuracy}`);
  run.dispose();

  // no header, several classes, quoted and UTF-8 labels, ';'
  const multi = lab.parseCSV('1;2;été\r3;4;"hiver, froid"\r5;6;automne\r7;8;été\r');
  assert.deepEqual(multi.class_names, ['automne', 'hiver, froid', 'été']);
  assert.equal(multi.dataset.task, 'multiclass');
  assert.deepEqual(Array.from(multi.dataset.y), [2, 1, 0, 2]);
  assert.deepEqual(lab.dataset(multi.dataset).class_names, ['automne', 'hiver, froid', 'été']);
  assert.equal(lab.parseCSV('1,a\n2,b\n3,c\n', { task: 'multiclass' }).dataset.task, 'multiclass');
});

test('text where numbers belong is an error naming the line and column', () => {
  assertError(() => lab.parseCSV('a,b,c\n1,2,x\n3,oops,y\n'), "CSV: line 3, column 2 must be a finite number, got 'oops'");
  assertError(() => lab.parseCSV('a,b,c\n1,2,x\n3,4,y\n', { target: 'a' }), "CSV: line 2, column 3 must be a finite number, got 'x'");
  assertError(() => lab.parseCSV('a,b\n1,x\n2,y\n', { task: 'regression' }), "CSV: line 2, column 2 must be a finite number, got 'x'");
  assertError(() => lab.dataset(lab.parseCSV('a,b\n1,x\n2,y\n3,z\n', { task: 'binary' }).dataset), "dataset: y row 2 must be a class index (an integer in [0, 1]) for task 'binary', got 2");
  assertError(() => lab.parseCSV('a,b\n1,yes\n2,yes\n'), "CSV: column 2 must hold 2 or more class labels, got only 'yes'");
  assertError(() => lab.parseCSV('a,b\n1,x\n2,1\n'), "CSV: line 3, column 2 must be text like 'x' on line 2, got a number");
  assertError(() => lab.parseCSV('a,b\n1,x\n2,""\n'), "CSV: line 3, column 2 must be a class label, got '' (empty)");
  assertError(() => lab.parseCSV('a,b\n1,x\n2,NA\n3,y\n'), "CSV: line 3, column 2 must be a class label, got 'NA' (a missing value)");
  assertError(() => lab.parseCSV('a,b\n1,x\n2,NaN\n3,y\n'), "CSV: line 3, column 2 must be a class label, got 'NaN' (not a finite decimal)");
  assertError(() => lab.dataset({ X: [[1], [2]], y: [0, 1], task: 'binary', val_fraction: 0, class_names: ['a'] }), 'dataset: class_names must be 2 strings');
  assertError(() => lab.dataset({ X: [[1], [2]], y: [0.5, 1], task: 'regression', val_fraction: 0, class_names: ['a', 'b'] }), "dataset: class_names is only for classification");
  assert.equal(lab.parseCSV('a,b\n1,0\n2,1\n').dataset.X.length, 2); // still works
});
