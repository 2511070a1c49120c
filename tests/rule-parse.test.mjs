// The page's reader of written rules (web/shared/rule-parse.js, for MathML and the PyTorch export) reads
// every rule the core compiles: a few hundred seeded random rules and losses from the grammar, each
// compiled by the core (lab.createOptimizer / lab.loss) and, where it is accepted, read by the page and
// exported (Python's ast parses every script). Where the core refuses a rule for its syntax, the
// reader names a column too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { lab } from './helpers.mjs';
import { parseRule, parseExpr, columnOf } from '../web/shared/rule-parse.js';
import { customOptimizerPython, customLossPython, RULE_HELPERS } from '../web/app/pytorch-rule.js';
import { normalStream } from '../web/lib/check.mjs';

const rnd = (() => { const n = normalStream(11); return () => { const u = 0.5 + n() / 6; return Math.min(0.999, Math.max(0, u)); }; })();
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];

function expr(names, depth) {
  if (depth <= 0 || rnd() < 0.25) return rnd() < 0.5 ? pick(names) : pick(['0.5', '2', '1e-3', '.25', '3', 'pi', 'e']);
  const a = () => expr(names, depth - 1);
  switch (Math.floor(rnd() * 9)) {
    case 0: return `${a()} ${pick(['+', '-', '*', '/', '//', '%'])} ${a()}`;
    case 1: return `(${a()})`;
    case 2: return `-${a()}`;
    case 3: return `${pick(['sqrt', 'abs', 'exp', 'log', 'sin', 'cos', 'floor', 'ceil', 'sign'])}(${a()})`;
    case 4: return `${pick(['min', 'max'])}(${a()}, ${a()}${rnd() < 0.3 ? `, ${a()}` : ''})`;
    case 5: return `pow(${a()}, ${a()})`;
    case 6: return `${a()}${pick(['^', '**'])}${a()}`;
    case 7: return `${a()} ${pick(['<', '<=', '>', '>=', '==', '!='])} ${a()}${rnd() < 0.3 ? ` < ${a()}` : ''}`;
    default: return `${a()} ? ${a()} : ${a()}`;
  }
}

const optNames = ['p', 'g', 't', 'lr', 'mu', 'v'];
const lossNames = ['x', 'y', 'delta'];
const compiles = (fn) => { try { fn(); return null; } catch (e) { if (e?.name !== 'SteplabError') throw e; return e; } };

test('every rule the core compiles, the page reads and exports as Python that parses; a broken one it refuses too', (t) => {
  const scripts = [];
  let accepted = 0, broken = 0, sameColumn = 0;
  for (let i = 0; i < 300; i++) {
    const update = `v = ${expr(optNames, 3)}${pick(['; ', '\n'])}p = ${expr(optNames, 3)}`;
    const spec = { type: 'Custom', hyper: { lr: 0.1, mu: 0.9 }, state: { v: 0 }, update };
    if (compiles(() => lab.createOptimizer(spec, 2).dispose())) continue; // a value error (say a NaN constant), not syntax
    accepted++;
    assert.doesNotThrow(() => parseRule(update, ['p', 'v']), `the page cannot read ${JSON.stringify(update)}`);
    scripts.push(['import math', 'import torch', ...RULE_HELPERS, ...customOptimizerPython(spec)].join('\n'));
    // the same rule with one character put in: where the core says it does not parse, so does the page
    const at = 4 + Math.floor(rnd() * (update.length - 4));
    const bad = update.slice(0, at) + pick(['(', ')', '*', '?', '@', ',', ':', '=']) + update.slice(at);
    const err = compiles(() => lab.createOptimizer({ ...spec, update: bad }, 2).dispose());
    if (err?.code === 'parse' && columnOf(err.message) !== null && /at column \d+: (expected|unexpected|a number)/.test(err.message)) {
      broken++;
      let mine = null;
      try { parseRule(bad, ['p', 'v']); } catch (e) { mine = e.column; }
      assert.notEqual(mine, null, `the page reads ${JSON.stringify(bad)}, which the core refuses: ${err.message}`);
      if (mine === columnOf(err.message)) sameColumn++;
    }
    const text = expr(lossNames, 4);
    const loss = { type: 'Custom', hyper: { delta: 1 }, expr: text };
    if (!compiles(() => lab.loss({ ...loss, reduction: 'none' }, [0.5], [0.25]))) {
      assert.doesNotThrow(() => parseExpr(text), `the page cannot read the loss ${JSON.stringify(text)}`);
      scripts.push(['import math', 'import torch', ...RULE_HELPERS, ...customLossPython(loss)].join('\n'));
    }
  }
  t.diagnostic(`accepted ${accepted}, broken ${broken}, the same column in ${sameColumn}, ${scripts.length} scripts`);
  assert.ok(accepted > 200 && broken > 50, `accepted ${accepted}, broken ${broken}`);
  assert.ok(sameColumn > 0.8 * broken, `the same column in ${sameColumn} of ${broken}`);
  if (!fs.existsSync('/usr/bin/python3')) return;
  const r = spawnSync('/usr/bin/python3', ['-c', 'import ast, json, sys\nfor s in json.load(sys.stdin):\n    ast.parse(s)\nprint("ok")'],
    { input: JSON.stringify(scripts), encoding: 'utf8', timeout: 60000 });
  assert.equal(r.stdout.trim(), 'ok', r.stderr);
});
