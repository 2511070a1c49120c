// Issue 19's loss gaps against PyTorch 1.13 (tests/fixtures/loss_gaps.json, from
// tests/gen/loss_gaps.py): values PyTorch accepts with its numbers, the probability
// targets with ignore_index it refuses, and the one deliberate difference (a mean
// over nothing is 0 with a zero gradient here, NaN in PyTorch; README "Differences").
import test from 'node:test';
import assert from 'node:assert/strict';
import { lab, fixture, assertClose } from './helpers.mjs';

const flat = (v) => (Array.isArray(v) || ArrayBuffer.isView(v) ? Array.from(v).flatMap(flat) : [v]);
const cases = fixture('loss_gaps.json').cases;

test('the fixture covers gaps 3, 4, 5 and 6', () => {
  assert.deepEqual([...new Set(cases.map((c) => c.gap))].sort(), [3, 4, 5, 6]);
});

for (const c of cases) {
  test(`gap ${c.gap}: ${c.label}`, () => {
    const call = () => lab.loss(c.spec, c.input, c.target);
    if (c.error) {
      // PyTorch refuses: so does steplab, naming the field
      assert.throws(call, (e) => e.name === 'SteplabError' && /ignore_index is not supported for probability targets/.test(e.message));
      return;
    }
    const r = call();
    if (c.value === 'NaN') {
      // the deliberate difference: 0 and a zero gradient, so one empty batch does not end a run
      assert.equal(r.value, 0);
      assert.ok(flat(r.grad).every((g) => g === 0), 'zero gradient');
      return;
    }
    assertClose([r.value], [c.value], 1e-6, `${c.label}: value`);
    assertClose(flat(r.grad), flat(c.grad), 1e-5, `${c.label}: gradient`);
  });
}

test('gap 6: CosineEmbeddingLoss still refuses targets other than 1, -1 and 0; TripletMarginLoss refuses p < 0', () => {
  assert.throws(() => lab.loss({ type: 'CosineEmbeddingLoss' }, [[[1, 2]], [[1, 3]]], [0.5]), /target\[0\] must be 1 \(similar\), -1 \(dissimilar\) or 0/);
  assert.throws(() => lab.loss({ type: 'TripletMarginLoss', p: -1 }, [[[1]], [[2]], [[3]]]), /p must be a number >= 0, got -1/);
});
