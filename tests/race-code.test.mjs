// The Optimizers room's "Copy code" (raceCode) for optimizers torch.optim lacks: LARS and SWATS are
// written as the classes the Training room's script defines (web/app/pytorch-optim.js), never as
// torch.optim.LARS or torch.optim.SWATS. Python's parser (ast) reads the script; where a Python with
// torch is installed, a few steps of every racer end where lab.trace ends (float32, within 1e-5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lab } from './helpers.mjs';
import { raceCode } from '../web/app/rooms/race-text.js';

const STATE = { fn: 'rosenbrock', fnp: {}, start: [-1.5, 2.5], steps: 6, noise: 0, seed: 1,
  opts: [{ type: 'LARS', lr: 2, trust_coefficient: 0.01 }, { type: 'SWATS', lr: 0.1, eps: 0.001 },
    { type: 'LARS', lr: 1, momentum: 0.5, weight_decay: 0.01, lars_exclude: false }, { type: 'Adam', lr: 0.1 }] };

// The first Python that imports torch (the parity Python first), else one that can at least parse.
function python(withTorch) {
  if (withTorch && process.env.STEPLAB_TORCH === '0') return null; // npm run test:unit: PyTorch's runs are npm test's
  for (const exe of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(exe, ['-c', withTorch ? 'import torch' : 'import ast'], { encoding: 'utf8' });
    if (r.status === 0) return exe;
  }
  return null;
}

test('the race code defines LARS and SWATS (once each) and builds them, never torch.optim.LARS or SWATS', () => {
  const code = raceCode(STATE, '');
  assert.doesNotMatch(code, /torch\.optim\.(LARS|SWATS)\b/);
  assert.equal(code.match(/^class LARS\(torch\.optim\.Optimizer\):/gm)?.length, 1);
  assert.equal(code.match(/^class SWATS\(torch\.optim\.Optimizer\):/gm)?.length, 1);
  assert.match(code, /run\(lambda params: LARS\(params, lr=2, trust_coefficient=0\.01\)\)/);
  assert.match(code, /run\(lambda params: SWATS\(params, lr=0\.1, eps=0\.001\)\)/);
  assert.match(code, /LARS\(params, lr=1, momentum=0\.5, weight_decay=0\.01, lars_exclude=False\)/);
  const exe = python(false);
  assert.ok(exe, 'no python3 to parse the script');
  const r = spawnSync(exe, ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: code, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('run by PyTorch, every racer of the copied code ends where lab.trace ends', (t) => {
  const exe = python(true);
  if (!exe) { t.skip('no Python with torch here'); return; }
  const code = `${raceCode(STATE, '')}\nimport json\nprint('JSON', json.dumps({k: v for k, v in results.items()}))\n`;
  const r = spawnSync(exe, ['-'], { input: code, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = Object.values(JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('JSON ')).slice(5)));
  assert.equal(got.length, STATE.opts.length);
  STATE.opts.forEach((optimizer, i) => {
    const tr = lab.trace({ fn: STATE.fn, fn_params: STATE.fnp, start: STATE.start, steps: STATE.steps, optimizer });
    const want = [tr.loss[STATE.steps], tr.x[STATE.steps], tr.y[STATE.steps]];
    const [loss, [x, y]] = got[i];
    [loss, x, y].forEach((v, j) => assert.ok(Math.abs(v - want[j]) <= 1e-5 * Math.max(1, Math.abs(want[j])),
      `${optimizer.type} #${i}: ${['loss', 'x', 'y'][j]} ${v}, lab ${want[j]}`));
  });
});
