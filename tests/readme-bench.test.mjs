// The README's Performance table and its live-W1 figure are the committed benchmark run it names, to the three
// significant digits tests/bench/run.mjs prints, and that run is the newest in tests/bench/results/: a new
// committed run without the README updated fails here, as does a figure typed by hand.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = fs.readFileSync(`${root}/README.md`, 'utf8');
const section = readme.slice(readme.indexOf('## Performance'), readme.indexOf('\n## ', readme.indexOf('## Performance') + 1));
const resultsDir = `${root}/tests/bench/results`;

// the table's columns, in order, as the bench's implementation keys
const COLUMNS = ['steplab-wasm-simd', 'steplab-wasm-scalar', 'steplab-native', 'steplab-browser', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-layers'];
const SUFFIX = { k: 1e3, M: 1e6, G: 1e9 };
const three = (v) => Number(v.toPrecision(3));
const parse = (cell) => {
  const m = /^×?([0-9.]+)([kMG]?)/.exec(cell.replace(/ (?=\d{3}\b)/g, ''));
  assert.ok(m, `README Performance: expected a number, got "${cell}"`);
  return Number(m[1]) * (SUFFIX[m[2]] ?? 1);
};

const named = /`tests\/bench\/results\/([0-9T-]+\.json)`/.exec(section);
const run = named && JSON.parse(fs.readFileSync(`${resultsDir}/${named[1]}`, 'utf8'));

test('the README names the newest committed benchmark run', () => {
  assert.ok(named, 'README Performance should name its run as `tests/bench/results/<date>.json`');
  const newest = fs.readdirSync(resultsDir).filter((f) => /^\d{4}-.*\.json$/.test(f)).sort().at(-1);
  assert.equal(named[1], newest, `README Performance names an older run than the newest in tests/bench/results/: `
    + `to keep ${newest}, copy its figures into the README's table (this test names any cell that differs); else delete it`);
  assert.equal(run.quick, false, 'the named run is a --quick run, whose timings mean nothing');
});

test('every figure of the README Performance table is the named run\'s', () => {
  const rows = section.split('\n').filter((l) => /^\| (W\d|K\d[\w-]*):/.test(l));
  assert.ok(rows.length >= 3, 'README Performance: expected the W1-W3 rows at least');
  const seen = [];
  for (const row of rows) {
    const cells = row.split('|').slice(1, -1).map((c) => c.trim());
    const id = cells[0].slice(0, cells[0].indexOf(':'));
    const result = run.results.find((r) => r.id === id);
    assert.ok(result, `README Performance: row ${id} is not a workload of ${named[1]}`);
    seen.push(id);
    cells.slice(1).forEach((cell, i) => {
      const impl = result.impls[COLUMNS[i]];
      if (cell === '') return;
      assert.ok(impl, `README Performance ${id}: ${COLUMNS[i]} has no result in ${named[1]}, the README gives "${cell}"`);
      const simd = result.impls['steplab-wasm-simd'];
      // W rows give steps/s (the same ratios as samples/s)
      const expected = i === 0 ? (simd.steps_per_s?.median ?? simd.median) : simd.median / impl.median;
      assert.equal(parse(cell), three(expected), `README Performance ${id}, ${COLUMNS[i]}: "${cell}", the run says ${three(expected)}`);
    });
  }
  for (const w of ['W1', 'W2', 'W3']) assert.ok(seen.includes(w), `README Performance: no ${w} row`);
});

test('the README\'s live W1 figure and its met or missed targets are the named run\'s', () => {
  const live = /W1 in a Web Worker[^]*?: *\n?([0-9.]+k) steps\/s/.exec(section);
  assert.ok(live, 'README Performance: expected the live W1 figure as "...W1 in a Web Worker...: N steps/s"');
  assert.equal(parse(live[1]), three(run.browser.live_W1.steps_per_s));
  const w1 = run.targets.find((t) => t.target.startsWith('W1 wasm SIMD >= 100 x tfjs-wasm'));
  assert.equal(/W1's target of 100× tfjs-wasm is met/.test(section), w1.met, `README says W1's 100× is ${w1.met ? 'not ' : ''}met; the run says ${w1.value}`);
});
