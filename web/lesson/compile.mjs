// compileLesson: one lesson's Markdown -> its HTML body and what it holds (figures, questions, challenges,
// claims), every reference checked: a challenge's figure exists, its check asks what the page can see, its
// solution sets what the reader can change; a claim's figure exists. Pure given the core's registry; the
// lab-dependent checks (figures run, claims hold, challenges pass) are in measure.mjs.
import { LessonSyntaxError, vocabularyEntry, quantityText, VOCABULARY } from './quantity.mjs';
import { preprocess, parseChallenge, parseClaim, parseLet } from './source.mjs';
import { makeMarkdown } from './markdown.mjs';
import { allowedAttributes, figureControls, attrValue, figureSpec, EXERCISE_CONTROLS } from './figures.mjs';

const fail = (line, msg) => { throw new LessonSyntaxError(`line ${line}: ${msg}`); };
let md = null;

const noAssets = (src, line) => fail(line, `the image ${src} needs the lesson's folder: build the file with steplab lesson build`);

function plainText(tokens) {
  return tokens.map((t) => (t.type === 'text' || t.type === 'code_inline' ? t.content : t.children ? plainText(t.children) : '')).join('');
}

// What a setting's name means on a figure: an input of the challenge, a control of the component, or an
// attribute path (claims only: the author may ask about any setting).
export function resolveSetting(fig, name, { inputs = [], anyAttribute = false, registry }, line) {
  const input = inputs.find((i) => i.label === name);
  if (input) return { input };
  const controls = fig.kind === 'exercise' ? EXERCISE_CONTROLS : figureControls(fig.attrs);
  const control = name.replace(/-/g, '_');
  if (controls.includes(control) && fig.kind !== 'race') return { control };
  if (anyAttribute) {
    const m = /^([a-z][a-z0-9-]*)((?:\[\d+\]|\.[A-Za-z_]\w*)*)$/.exec(name);
    if (m && allowedAttributes(fig.kind, registry).has(m[1])) {
      const path = [...m[2].matchAll(/\[(\d+)\]|\.([A-Za-z_]\w*)/g)].map((x) => (x[1] !== undefined ? Number(x[1]) : x[2]));
      return { attr: m[1], path };
    }
  }
  const can = [...inputs.map((i) => i.label), ...(fig.kind === 'race' ? [] : controls)];
  fail(line, `'${name}' is not something the reader can change on figure '${fig.attrs.get('id')}'${can.length ? ` (they can change ${can.join(', ')})` : ''}: add it to the figure's controls or declare an input: line`);
}

// A race's quantities pick one of its optimizers: [i] is needed with several, and must be one of them.
function checkOptimizerIndex(fig, qs, line, registry) {
  let n;
  try { n = figureSpec('race', fig.attrs, registry).optimizers.length; } catch { return; }
  for (const q of qs) {
    const entry = vocabularyEntry('race', q);
    if (entry?.index !== 'optimizer') continue;
    if (q.index.length === 0 && n > 1) fail(line, `${q.name} needs an index: figure '${fig.attrs.get('id')}' races ${n} optimizers (${q.name}[0] .. ${q.name}[${n - 1}])`);
    if (q.index.length && q.index[0] >= n) fail(line, `${quantityText(q)}: figure '${fig.attrs.get('id')}' races ${n} optimizer${n > 1 ? 's' : ''} (indices 0 to ${n - 1})`);
  }
}

export function compileLesson(text, { registry, file = 'lesson.md', resolveAsset = noAssets } = {}) {
  if (!registry) throw new Error('compileLesson needs the core registry (lab.registry)');
  md ||= makeMarkdown();
  const pre = preprocess(text);
  const lets = {};
  for (const b of pre.blocks) if (b.name === 'claims') for (const d of b.directives) if (d.key === 'let') parseLet(d, lets);
  const claims = [];
  const questionAt = new Map();
  const challengeAt = new Map();
  for (const b of pre.blocks) {
    if (b.name === 'claims') {
      if (b.args.length) fail(b.line, `::: claims takes nothing after it, got '${b.args.join(' ')}'`);
      for (const d of b.directives) if (d.key === 'claim') claims.push({ ...parseClaim(d.text, d.line, lets, null), where: 'text' });
    } else if (b.name === 'question') {
      const bad = b.args.find((a) => a !== 'lock');
      if (bad) fail(b.line, `::: question takes only 'lock' (lock the next figure until answered), got '${bad}'`);
      const q = { line: b.line, lock: b.args.includes('lock'), claims: b.directives.map((d) => parseClaim(d.text, d.line, lets, null)) };
      for (const c of q.claims) claims.push({ ...c, where: 'question' });
      questionAt.set(b.line, q);
    } else {
      const c = parseChallenge(b, lets);
      for (const x of c.claims) claims.push({ ...x, where: 'challenge' });
      challengeAt.set(b.line, c);
    }
  }
  const named = new Map();
  for (const c of claims) {
    if (!c.name) continue;
    if (named.has(c.name)) fail(c.line, `the claim '${c.name}' is defined twice (also line ${named.get(c.name).line})`);
    named.set(c.name, c);
  }
  const env = { registry, figures: [], questions: [], challenges: [], questionAt, challengeAt, claims: named, mathStyles: new Map(),
    resolveAsset: (src, line) => resolveAsset(src, line) };
  const tokens = md.parse(pre.source, env);

  const h1 = tokens.findIndex((t) => t.type === 'heading_open' && t.tag === 'h1');
  if (h1 < 0) fail(1, 'a lesson needs a title: a first-level heading (# Title)');
  const title = plainText(tokens[h1 + 1].children).trim();

  const figures = new Map();
  for (const f of env.figures) {
    const id = f.attrs.get('id');
    if (!id) continue;
    if (figures.has(id)) fail(f.line, `two figures have the id '${id}' (also line ${figures.get(id).line})`);
    figures.set(id, f);
  }
  const figureOf = (id, line) => figures.get(id) || fail(line, `there is no figure with id="${id}" in this lesson`);

  for (const c of env.challenges) {
    const fig = figureOf(c.figure, c.line);
    c.kind = fig.kind;
    for (const cond of c.check.conds) {
      const entry = vocabularyEntry(fig.kind, cond.q);
      const said = quantityText(cond.q);
      if (entry && !entry.page) fail(c.check.line, `${said}: the lab measures it, but a ${fig.kind} figure does not report it to the page; a check can use ${Object.entries(VOCABULARY[fig.kind]).filter(([, v]) => v.page).map(([k]) => k.replace('@', '@k')).join(', ')} or a setting`);
      if (!entry && (cond.q.at !== undefined || cond.q.arg !== undefined || (cond.q.index.length && fig.kind !== 'race'))) {
        fail(c.check.line, `a ${fig.kind} figure reports no '${said}'; it reports ${Object.keys(VOCABULARY[fig.kind]).map((k) => k.replace('@', '@k')).join(', ') || 'its settings'}`);
      }
    }
    if (fig.kind === 'race') checkOptimizerIndex(fig, c.check.conds.map((x) => x.q), c.check.line, registry);
    const allowed = allowedAttributes(fig.kind, registry);
    for (const input of c.inputs) {
      if (!allowed.has(input.attr)) fail(input.line, `<${fig.tag}> has no attribute '${input.attr}' to change`);
      const text = fig.attrs.get(input.attr);
      let now;
      if (text !== undefined) {
        if (input.path.length === 0) now = attrValue(text);
        else { try { now = input.path.reduce((o, k) => (o == null ? undefined : o[k]), JSON.parse(text)); } catch { now = undefined; } }
      }
      if (input.path.length && text === undefined) fail(input.line, `the input changes ${input.attr}${JSON.stringify(input.path)}, but figure '${c.figure}' has no ${input.attr} attribute to change`);
      input.current = now;
    }
    c.solution.resolved = c.solution.settings.map((s) => {
      const r = resolveSetting(fig, s.name, { inputs: c.inputs, registry }, c.solution.line);
      if (r.input?.type === 'range' && !(s.value >= r.input.min && s.value <= r.input.max)) fail(c.solution.line, `the solution's ${s.name} = ${s.value} is outside its input's range [${r.input.min}, ${r.input.max}]`);
      if (r.input?.type === 'choice' && !r.input.choices.some((x) => JSON.stringify(x) === JSON.stringify(s.value))) fail(c.solution.line, `the solution's ${s.name} = ${s.value} is not one of its input's choices`);
      return { ...s, ...r };
    });
  }
  for (const c of claims) {
    for (const side of [c.lhs, c.rhs].flatMap((x) => (x?.ratio || x?.difference || x?.sum || [x]))) {
      if (!side || side.loss) continue;
      const fig = figureOf(side.figure, c.line);
      if (fig.kind === 'race') checkOptimizerIndex(fig, [side.q], c.line, registry);
      const ch = c.where === 'challenge' ? env.challenges.find((x) => x.claims.some((y) => y.line === c.line)) : null;
      side.resolved = side.settings.map((s) => ({ ...s, ...resolveSetting(fig, s.name, { inputs: ch?.inputs || [], anyAttribute: true, registry }, c.line) }));
    }
  }
  const html = md.renderer.render(tokens, md.options, env);
  const mathCss = [...env.mathStyles].map(([decl, cls]) => `.${cls}{${decl}}`).join('\n');
  const base = file.replace(/^.*[\\/]/, '').replace(/\.md$/i, '');
  return {
    id: pre.front.id || base.replace(/^\d+-/, ''), file: base, title, minutes: pre.front.minutes ? Number(pre.front.minutes) : null,
    summary: pre.front.summary || '', html, mathCss, figures: [...env.figures], figureById: figures,
    questions: env.questions, challenges: env.challenges, claims, lets,
  };
}
