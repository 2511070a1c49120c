// The lesson format and its compiler (dist/steplab-lessons.mjs): what a page is made of (MathML, figures with
// only allowed attributes, questions, challenges, claims), that everything else is refused with an error naming
// its line, that the page keeps a strict Content-Security-Policy (hashes of exactly its inline script and style,
// no style attributes, no event handlers), and the `steplab lesson` command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { loadSteplab } from '../dist/steplab.mjs';
import { compileLesson, verifyLesson, lessonPage, LessonSyntaxError, parseConditions, holds, formatValue, VOCABULARY } from '../dist/steplab-lessons.mjs';

const lab = await loadSteplab();
const registry = lab.registry;
const cli = new URL('../web/cli.mjs', import.meta.url).pathname;

const RACE = `<steplab-race id="r" fn="quadratic" fn-params='{"a": 1, "b": 10}' start="[-4, 2]" steps="60"
  optimizers='[{"type": "SGD", "lr": 0.02}, {"type": "Adam", "lr": 0.3}]'></steplab-race>`;
const GOOD = `---
minutes: 5
summary: A small lesson for the tests.
---
# A lesson

Math $x^2$ and the loss {{mse}}.

$$
\\frac{1}{n}\\sum_i e_i^2
$$

::: claims
mse: loss MSELoss of [1, 2] vs [0, 0] = 2.5
:::

::: question lock
Which is lower?
- [ ] SGD
- [x] Adam

claim: loss[1] < loss[0] on r

Adam.
:::

${RACE}

::: challenge r
Make SGD good.
input: lr = optimizers[0].lr in [0.01, 0.2] step 0.01
check: loss[0] < 1e-3
solution: lr = 0.15
:::
`;

const compile = (src) => compileLesson(src, { registry });
// The error a source gives: its message must name the line.
function refused(src, line, pattern) {
  let err = null;
  try { verifyLesson(lab, compile(src)); } catch (e) { err = e; }
  assert.ok(err instanceof LessonSyntaxError, `expected a LessonSyntaxError, got ${err && err.stack}`);
  assert.match(err.message, new RegExp(`^line ${line}: `), err.message);
  if (pattern) assert.match(err.message, pattern);
  return err.message;
}
const lineOf = (src, text) => src.split('\n').findIndex((l) => l.includes(text)) + 1;

test('a lesson compiles to MathML, figures, a question and a challenge, and its claims hold', () => {
  const l = compile(GOOD);
  assert.equal(l.title, 'A lesson');
  assert.equal(l.minutes, 5);
  assert.match(l.html, /<math><semantics>/);
  assert.match(l.html, /<math display="block" class="tml-display sl-m\d+">/);
  assert.doesNotMatch(l.html, /\sstyle=/);
  assert.match(l.html, /<span class="sl-num" data-claim="mse" title="measured by the lab: [^"]*">2.5<\/span>/);
  assert.match(l.html, /<figure class="sl-figure" data-kind="race" data-locked-by="q1"><steplab-race id="r" fn="quadratic"/);
  assert.match(l.html, /<label class="sl-option" data-correct><input type="radio" name="q1" value="1">/);
  assert.match(l.html, /data-input="lr"/);
  assert.equal(l.questions[0].locks, 'r');
  assert.deepEqual(l.questions[0].correct, [1]);
  assert.equal(l.challenges[0].kind, 'race');
  const report = verifyLesson(lab, l);
  assert.equal(report.claims.length, 2);
  assert.equal(report.challenges[0].before.ok, false);
  assert.equal(report.challenges[0].after.ok, true);
});

test('raw HTML, unknown tags and attributes, bad JSON are refused with their line', () => {
  refused(`# T\n\ntext\n\n<div>hi</div>\n`, 5, /raw HTML is not allowed/);
  refused(`# T\n\nsome <b>bold</b> text\n`, 3, /raw HTML is not allowed/);
  refused(`# T\n\nline one\nline two <img src=x onerror=alert(1)>\n`, 4, /raw HTML/);
  refused(`# T\n\n<script>alert(1)</script>\n`, 3, /raw HTML/);
  refused(`# T\n\n<steplab-widget a="1"></steplab-widget>\n`, 3, /not a steplab component/);
  refused(`# T\n\n<steplab-race fn="quadratic"\n  onclick="alert(1)"></steplab-race>\n`, 4, /may not have the attribute 'onclick'/);
  refused(`# T\n\n<steplab-race style="color: red"></steplab-race>\n`, 3, /may not have the attribute 'style'/);
  refused(`# T\n\n<steplab-race optimizers='[{"type": SGD}]'></steplab-race>\n`, 3, /optimizers is not valid JSON/);
  refused(`# T\n\n<steplab-race fn="quadratic"></steplab-race> and text\n`, 3, /nothing may follow/);
  refused(`# T\n\n<steplab-race fn="quadratic">x</steplab-race>\n`, 3, /must be followed by <\/steplab-race>/);
  refused(`# T\n\nsee <steplab-race></steplab-race> here\n`, 3, /a figure must start its own line/);
  refused(`# T\n\n<steplab-race id="a"></steplab-race>\n\n<steplab-race id="a"></steplab-race>\n`, 5, /two figures have the id 'a'/);
  refused(`# T\n\n![x](https://example.com/x.png)\n`, 3, /needs the lesson's folder/);
  refused(`# T\n\ntext\n\n<steplab-loss\n  caption="a <b>bold</b> caption"></steplab-loss>\n`, 6, /raw HTML is not allowed/);
  refused(`# T\n\n${RACE}\n\n::: challenge r\nx\ncheck: loss[0] < 1\ninput: lr = optimizers[0].lr in [0.01, 0.2]\nsolution: lr = 0.1\nhint: see <img src=x onerror=alert(1)>\n:::\n`, 11, /raw HTML/);
  assert.doesNotMatch(compile('# T\n\n[click](javascript:alert(1))\n').html, /href/);
  // comments are dropped, not refused
  assert.doesNotMatch(compile(`# T\n\n<!-- a note -->\n\ntext <!-- inline -->\n`).html, /note|inline|<!--/);
});

test('the core refuses a figure: the error names the figure and its line', () => {
  refused(`# T\n\ntext\n\n<steplab-schedule type="StepLR" step-size="-3"></steplab-schedule>\n`, 5, /StepLR: step_size/);
  refused(`# T\n\n<steplab-race fn="nowhere"></steplab-race>\n`, 3, /fn must be one of/);
  refused(`# T\n\n<steplab-train dataset="moons" optimizer="SGD" lr="-1"></steplab-train>\n`, 3, /lr/);
  refused(`# T\n\n<steplab-train dataset="moons" wings="2"></steplab-train>\n`, 3, /may not have the attribute 'wings'/);
});

test('math: TeX errors name their line; dollars that are not math stay text', () => {
  refused(`# T\n\nfine\n\nbad $\\frac{1}{$ here\n`, 5, /TeX: /);
  refused(`# T\n\n$$\n\\frac{1}{2}\n\\begin{foo}\n$$\n`, 5, /TeX: No such environment: foo/);
  refused(`# T\n\n$$\n\\frac{1}{2}\n`, 3, /not closed with \$\$/);
  const l = compile('# T\n\nIt costs $5 and $10, or \\$3.\n');
  assert.doesNotMatch(l.html, /<math/);
  assert.match(l.html, /It costs \$5 and \$10, or \$3\./);
});

test('malformed blocks are refused with their line', () => {
  refused(`# T\n\n::: question\nQ?\n- [ ] a\n- [ ] b\n:::\n`, 3, /right option/);
  refused(`# T\n\n::: question\nQ?\n:::\n`, 3, /list of options/);
  refused(`# T\n\n::: question\nQ?\n- [x] a\n:::\n`, 3, /at least two options/);
  refused(`# T\n\n::: question\nQ?\n- a\n- [x] b\n:::\n`, 5, /starts with \[ \] or \[x\]/);
  refused(`# T\n\n::: question lock\nQ?\n- [ ] a\n- [x] b\n:::\n`, 3, /no figure follows/);
  refused(`# T\n\n::: question\nQ?\n`, 3, /not closed/);
  refused(`# T\n\n::: question\n::: challenge r\n:::\n`, 4, /inside ::: question/);
  refused(`# T\n\n::: quiz\n:::\n`, 3, /not a block/);
  refused(`# T\n\n:::\n`, 3, /closes no block/);
  refused(`# T\n\n::: question\nQ?\ncheck: loss < 1\n- [ ] a\n- [x] b\n:::\n`, 5, /'check' does not belong in ::: question/);
  refused(`---\ncolour: red\n---\n# T\n`, 2, /front matter/);
  refused(`text without a title\n`, 1, /needs a title/);
});

test('malformed challenges and checks are refused with their line', () => {
  const ch = (body) => `# T\n\n${RACE}\n\n::: challenge r\nDo it.\n${body}\n:::\n`;
  const at = 6; // the ::: challenge line
  refused(ch('solution: lr = 1'), at, /needs a check/);
  refused(ch('check: loss[0] < 1e-3'), at, /needs a solution/);
  refused(ch('check: loss[0] 1e-3\nsolution: x = 1'), at + 2, /needs a comparison/);
  refused(ch('check: loss[0] < fast\nsolution: x = 1'), at + 2, /is a word: compare it with =/);
  refused(ch('check: loss[0] < 1e-3\nsolution: x = 1'), at + 3, /is not something the reader can change/);
  refused(ch('check: loss[0]@5 < 1e-3\ninput: lr = optimizers[0].lr in [0.01, 0.2]\nsolution: lr = 0.1'), at + 2, /does not report it to the page/);
  refused(ch('check: lr@5 < 1e-3\ninput: lr = optimizers[0].lr in [0.01, 0.2]\nsolution: lr = 0.1'), at + 2, /reports no 'lr@5'/);
  refused(ch("check: loss < 1e-3\ninput: lr = optimizers[0].lr in [0.01, 0.2]\nsolution: lr = 0.1"), at + 2, /loss needs an index/);
  refused(ch('check: loss[0] < 1e-3\ninput: lr = optimizers[0].lr in [0.2, 0.01]\nsolution: lr = 0.1'), at + 3, /min < max/);
  refused(ch('check: loss[0] < 1e-3\ninput: lr = optimizers[0].lr in [0.01, 0.2]\nsolution: lr = 0.5'), at + 4, /outside its input's range/);
  refused(ch('check: loss[0] < 1e-3\ninput: lr = wings in [0.01, 0.2]\nsolution: lr = 0.1'), at + 3, /has no attribute 'wings'/);
  refused(ch('check: loss[0] < 1e-3 on other\ninput: lr = optimizers[0].lr in [0.01, 0.2]\nsolution: lr = 0.1'), at + 2, /the challenge is on 'r'/);
  refused(`# T\n\n::: challenge nowhere\ncheck: loss < 1\nsolution: a = 1\n:::\n`, 3, /no figure with id="nowhere"/);
  // passable and not passed before: both are checked with the lab
  refused(ch('check: loss[1] < 1\ninput: lr = optimizers[0].lr in [0.01, 0.2]\nsolution: lr = 0.1'), at, /already passed before the reader does anything/);
  refused(ch('check: loss[0] < 1e-9\ninput: lr = optimizers[0].lr in [0.01, 0.2]\nsolution: lr = 0.03'), at + 4, /does not pass the check/);
});

test('claims: a number the lab does not reproduce fails, naming its line; so does an unknown {{name}}', () => {
  refused(`# T\n\n::: claims\nmse: loss MSELoss of [1, 2] vs [0, 0] = 2.6\n:::\n`, 4, /does not reproduce 'mse: .* = 2.6': loss MSELoss is 2.5/);
  refused(`# T\n\n${RACE}\n\n::: claims\nloss[0] < loss[1] on r\n:::\n`, 7, /does not reproduce/);
  refused(`# T\n\nthe value {{nothing}}\n`, 3, /names no claim/);
  refused(`# T\n\n::: claims\nloss[0] on nowhere = 1\n:::\n`, 4, /no figure with id="nowhere"/);
  refused(`# T\n\n::: claims\nx: loss MSELoss of [1] vs [0] < 3\n:::\n`, 4, /must state '= a number'/);
  refused(`# T\n\n::: claims\nx: loss MSELoss of [1] vs [0] = 1\nx: loss MSELoss of [2] vs [0] = 4\n:::\n`, 5, /defined twice/);
  refused(`# T\n\n::: claims\nloss NoSuchLoss of [1] vs [0] = 1\n:::\n`, 4, /NoSuchLoss/);
  // a claim with settings measures the figure changed; stated precision is the tolerance
  const l = compile(`# T\n\n${RACE}\n\n::: claims\na: loss[0] on r with (optimizers[0].lr = 0.15) < 1e-3\nb: loss[0] on r = 0.71\n:::\n`.replace('a: loss', 'loss'));
  assert.ok(verifyLesson(lab, l).claims.every((c) => c.ok));
});

test('checks: precision, within, words; the page and the tests read quantities with the same code', () => {
  const conds = parseConditions('val_accuracy >= 95% within 20 epochs');
  assert.deepEqual(conds.map((c) => [c.q.name, c.op, c.value.number]), [['val_accuracy', '>=', 0.95], ['epochs', '<=', 20]]);
  const r = { kind: 'train', detail: { metrics: { accuracy: 0.951 }, epochs: 20, status: 'done', state: { config: { optimizer: { type: 'SGD', lr: 0.1 } } } } };
  assert.equal(holds(r, conds).ok, true);
  assert.equal(holds({ ...r, detail: { ...r.detail, epochs: 21 } }, conds).ok, false);
  assert.equal(holds(r, parseConditions('status = done and optimizer = SGD and lr = 0.1')).ok, true);
  assert.equal(holds(r, parseConditions('lr = 0.2')).ok, false);
  // "= 0.010" holds within half a unit of the last digit, not beyond
  const s = (v) => ({ kind: 'schedule', detail: { series: [{ values: [0.1, v] }] } });
  assert.equal(holds(s(0.01049), parseConditions('lr@1 = 0.010')).ok, true);
  assert.equal(holds(s(0.01051), parseConditions('lr@1 = 0.010')).ok, false);
  assert.equal(formatValue(6.857e-9), '6.86e-9');
  assert.equal(formatValue(0.17807), '0.1781');
});

test('the page: a strict policy whose hashes are exactly its inline script and style, nothing inline besides', () => {
  const l = compile(GOOD);
  for (const [html, self] of [[lessonPage(l, { embed: { src: '../steplab-embed.js' } }), true], [lessonPage(l, { embed: { inline: 'window.x = "</script>";' } }), false]]) {
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)[1].replace(/&#39;|&apos;/g, "'");
    const dir = Object.fromEntries(policy.split('; ').map((d) => { const [k, ...v] = d.split(' '); return [k, v]; }));
    assert.deepEqual(dir['default-src'], ["'none'"]);
    assert.ok(!policy.includes('unsafe-inline') && !policy.includes("'unsafe-eval'"), policy);
    const sha = (t) => `'sha256-${crypto.createHash('sha256').update(t, 'utf8').digest('base64')}'`;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
    assert.equal(scripts.length, self ? 1 : 2);
    assert.equal(styles.length, 1);
    for (const s of scripts) assert.ok(dir['script-src'].includes(sha(s)), 'script hash');
    assert.ok(dir['style-src'].includes(sha(styles[0])), 'style hash');
    assert.equal(dir['script-src'].includes("'self'"), self);
    assert.deepEqual(dir['worker-src'], self ? ["'self'", 'blob:'] : ['blob:']);
    if (self) assert.match(html, /<script src="\.\.\/steplab-embed\.js"><\/script>/);
    else assert.match(html, /window\.x = "<\\\/script>";/);
    const body = html.replace(/<script>[\s\S]*?<\/script>|<style>[\s\S]*?<\/style>/g, '');
    assert.doesNotMatch(body, /\sstyle="|\son[a-z]+=|javascript:/i);
  }
});

test('steplab lesson build: a page beside steplab-embed.js or self-contained; errors exit 2 naming the line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-lesson-'));
  try {
    fs.writeFileSync(path.join(dir, 'lecture.md'), GOOD);
    let r = spawnSync('node', [cli, 'lesson', 'build', path.join(dir, 'lecture.md'), '-o', path.join(dir, 'lecture.html')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /1 figures, 1 questions, 1 challenges, 2 claims measured/);
    const html = fs.readFileSync(path.join(dir, 'lecture.html'), 'utf8');
    assert.match(html, /<script src="steplab-embed\.js"><\/script>/);
    r = spawnSync('node', [cli, 'lesson', 'build', path.join(dir, 'lecture.md'), '--self-contained'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const one = fs.readFileSync(path.join(dir, 'lecture.html'), 'utf8');
    assert.doesNotMatch(one, /<script src=/);
    assert.ok(one.length > 200000, `${one.length} bytes`);
    fs.writeFileSync(path.join(dir, 'bad.md'), GOOD.replace('= 2.5', '= 2.7'));
    r = spawnSync('node', [cli, 'lesson', 'build', path.join(dir, 'bad.md')], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.md: line 14: the lab does not reproduce/);
    assert.ok(!fs.existsSync(path.join(dir, 'bad.html')), 'nothing written for a failing lesson');
    r = spawnSync('node', [cli, 'lesson', 'build', path.join(dir, 'bad.md'), '--no-verify'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    r = spawnSync('node', [cli, 'lesson', 'check', path.join(dir, 'lecture.md')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 claims hold, 1 challenges pass by their solution and not before/);
    r = spawnSync('node', [cli, 'lesson', 'build', path.join(dir, 'lecture.md'), '--shiny'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown option --shiny/);
    r = spawnSync('node', [cli, 'lesson', 'build', path.join(dir, 'missing.md')], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot read/);
    r = spawnSync('node', [cli, 'lesson', '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /steplab lesson build <lesson\.md>/);
    // images beside the lesson go into the page as data
    fs.writeFileSync(path.join(dir, 'dot.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
    fs.writeFileSync(path.join(dir, 'img.md'), '# Img\n\n![a dot](dot.svg)\n\n![gone](nope.png)\n');
    r = spawnSync('node', [cli, 'lesson', 'build', path.join(dir, 'img.md')], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /img\.md: line 5: cannot read the image nope\.png/);
    fs.writeFileSync(path.join(dir, 'img.md'), '# Img\n\n![a dot](dot.svg)\n');
    r = spawnSync('node', [cli, 'lesson', 'build', path.join(dir, 'img.md')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'img.html'), 'utf8'), /<img src="data:image\/svg\+xml;base64,[^"]+" alt="a dot">/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the README's example lesson builds, and every quantity the lab knows is in the authoring guide", () => {
  const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const src = /````md\n([\s\S]*?)````/.exec(readme)[1];
  const report = verifyLesson(lab, compile(src));
  assert.equal(report.claims.length, 3);
  assert.equal(report.challenges.length, 1);
  const guide = fs.readFileSync(new URL('../web/lessons/authoring.md', import.meta.url), 'utf8');
  for (const [kind, words] of Object.entries(VOCABULARY)) {
    for (const w of Object.keys(words)) assert.ok(guide.includes(`\`${w.replace('@', '')}`), `the guide does not mention ${kind}'s ${w}`);
  }
});

test('dist/lessons holds every lesson of web/lessons, the index in path order, and lessons.json', () => {
  const dist = new URL('../dist/lessons/', import.meta.url);
  const md = fs.readdirSync(new URL('../web/lessons/', import.meta.url)).filter((f) => f.endsWith('.md'));
  const list = JSON.parse(fs.readFileSync(new URL('lessons.json', dist), 'utf8'));
  assert.deepEqual([...list.path, ...list.extra].map((e) => e.file).sort(), md.map((f) => f.replace(/\.md$/, '.html')).sort());
  list.path.forEach((e, i) => assert.equal(e.number, i + 1));
  const index = fs.readFileSync(new URL('index.html', dist), 'utf8');
  const order = [...index.matchAll(/<li [^>]*>.*?<a href="([^"]+\.html)">/g)].map((m) => m[1]);
  assert.deepEqual(order, [...list.path, ...list.extra].map((e) => e.href));
  for (const e of list.path) {
    const html = fs.readFileSync(new URL(e.file, dist), 'utf8');
    assert.match(html, /<script src="\.\.\/steplab-embed\.js"><\/script>/);
    assert.match(html, /<math/);
  }
});
