// The first pass over a lesson's Markdown: the front matter, the ::: blocks (question, challenge,
// claims) and the directive lines inside them (claim:, check:, input:, solution:, hint:, let), which are
// taken out of the text (their lines left blank, so markdown-it's line numbers stay the source's) and parsed
// here into plain data. Every error names its line.
import { LessonSyntaxError, parseConditions, parseQuantity, parseValue, parseNumber } from './quantity.mjs';
import { parsePath } from './figures.mjs';

export const BLOCKS = new Set(['question', 'challenge', 'claims']);
const DIRECTIVES = {
  question: new Set(['claim']),
  challenge: new Set(['claim', 'check', 'input', 'solution', 'hint']),
  claims: new Set(['claim', 'let']),
};
const FRONT_KEYS = new Set(['id', 'minutes', 'summary']);

const fail = (line, msg) => { throw new LessonSyntaxError(`line ${line}: ${msg}`); };

export function preprocess(src) {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const front = {};
  if (lines[0].trim() === '---') {
    const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
    if (end < 0) fail(1, 'the front matter opened with --- is not closed with ---');
    for (let i = 1; i < end; i++) {
      if (!lines[i].trim()) continue;
      const m = /^([a-z_]+)\s*:\s*(.*)$/.exec(lines[i]);
      if (!m || !FRONT_KEYS.has(m[1])) fail(i + 1, `front matter lines are 'key: value' with key ${[...FRONT_KEYS].join(', ')}; got '${lines[i].trim()}'`);
      front[m[1]] = m[2].trim();
    }
    if (front.minutes !== undefined && !/^\d{1,3}$/.test(front.minutes)) fail(1, `minutes must be a whole number, got '${front.minutes}'`);
    if (front.id !== undefined && !/^[a-z0-9][a-z0-9-]{0,60}$/.test(front.id)) fail(1, `id must be lower-case letters, digits and -, got '${front.id}'`);
    for (let i = 0; i <= end; i++) lines[i] = '';
  }
  const blocks = [];
  let fence = null;
  let open = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence) {
      if (new RegExp(`^\\s{0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(line)) fence = null;
      continue;
    }
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) { fence = f[1]; continue; }
    const c = /^\s{0,3}:::(.*)$/.exec(line);
    if (c) {
      const rest = c[1].trim();
      if (!rest) {
        if (!open) fail(i + 1, "':::' closes no block");
        open.end = i + 1;
        blocks.push(open);
        open = null;
        continue;
      }
      const [name, ...args] = rest.split(/\s+/);
      if (open) fail(i + 1, `::: ${name} inside ::: ${open.name} (line ${open.line}): close that block with ::: first`);
      if (!BLOCKS.has(name)) fail(i + 1, `'::: ${name}' is not a block; the blocks are ::: question, ::: challenge and ::: claims`);
      open = { name, args, line: i + 1, directives: [] };
      continue;
    }
    if (!open) continue;
    const d = /^\s*(claim|check|input|solution|hint)\s*:\s*(.*)$/.exec(line) || /^\s*(let)\s+(.*)$/.exec(line);
    if (d) {
      if (!DIRECTIVES[open.name].has(d[1])) fail(i + 1, `'${d[1]}' does not belong in ::: ${open.name} (it takes ${[...DIRECTIVES[open.name]].join(', ')})`);
      open.directives.push({ key: d[1], text: d[2].trim(), line: i + 1 });
      lines[i] = '';
    } else if (open.name === 'claims' && line.trim()) {
      open.directives.push({ key: 'claim', text: line.trim(), line: i + 1 });
      lines[i] = '';
    }
  }
  if (fence) fail(lines.length, `a code block opened with ${fence} is not closed`);
  if (open) fail(open.line, `::: ${open.name} is not closed with :::`);
  return { source: lines.join('\n'), front, blocks };
}

// Splits text at top-level commas (not inside brackets, braces, parentheses or quotes).
export function splitTop(text, sep = ',') {
  const out = [];
  let depth = 0, quote = null, start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) { if (ch === quote && text[i - 1] !== '\\') quote = null; continue; }
    if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === sep && depth === 0) { out.push(text.slice(start, i)); start = i + 1; }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

// The first comparison operator outside brackets and quotes: [lhs, op, rhs] or null.
function splitComparison(text) {
  let depth = 0, quote = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) { if (ch === quote) quote = null; continue; }
    if (ch === '"' || ch === "'") { quote = ch; continue; }
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (depth === 0 && '<>=!'.includes(ch)) {
      const two = text.slice(i, i + 2);
      const op = ['<=', '>=', '!=', '=='].includes(two) ? two : ch === '!' ? null : ch;
      if (!op) continue;
      return [text.slice(0, i).trim(), op === '==' ? '=' : op, text.slice(i + op.length).trim()];
    }
  }
  return null;
}

// A value written in a setting or a loss's parameters: JSON, a number, true/false, or a bare word.
export function literal(text, line, what) {
  const t = text.trim();
  if (/^[[{"]/.test(t)) {
    try { return JSON.parse(t); } catch (e) { fail(line, `${what}: '${t.slice(0, 40)}' is not valid JSON (${e.message})`); }
  }
  if (t === 'true' || t === 'false') return t === 'true';
  const n = parseNumber(t);
  if (n && !t.endsWith('%')) return n.value;
  if (/^[\w.-]+$/.test(t)) return t;
  fail(line, `${what}: '${t}' is not a number, JSON or a word`);
}

// "momentum = 0.9, lr = 0.02" -> [{ name, value }]
export function parseSettings(text, line, what) {
  return splitTop(text).map((part) => {
    const m = /^([A-Za-z_][\w .[\]-]*?)\s*=\s*(.+)$/.exec(part);
    if (!m) fail(line, `${what}: '${part}' is not a setting (name = value)`);
    return { name: m[1], value: literal(m[2], line, what) };
  });
}

// One side of a claim:
//   loss HuberLoss(delta=5) of predicted vs actual [4]    the core's loss (lab.loss), element 4 of reduction none
//   grad MSELoss of predicted vs actual [4]               d(loss)/d(input[4])
//   loss[1] on ravine with (optimizers[1].momentum = 0.5)    a quantity of a figure, optionally with other settings
function parseExpr(text, line, lets, defaultFigure) {
  // "A / B", "A - B", "A + B": the ratio, difference or sum of two measurements (a share, a step, a count)
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if ('([{'.includes(text[i])) depth++;
    else if (')]}'.includes(text[i])) depth--;
    else if (depth === 0 && (text.startsWith(' / ', i) || text.startsWith(' - ', i) || text.startsWith(' + ', i))) {
      const terms = [parseTerm(text.slice(0, i), line, lets, defaultFigure), parseTerm(text.slice(i + 3), line, lets, defaultFigure)];
      return { [{ '/': 'ratio', '-': 'difference', '+': 'sum' }[text[i + 1]]]: terms };
    }
  }
  return parseTerm(text, line, lets, defaultFigure);
}

function parseTerm(text, line, lets, defaultFigure) {
  const t = text.trim();
  const lm = /^(loss|grad)\s+([A-Za-z]\w*)\s*(?:\(([^)]*)\))?\s+of\s+(.+?)(?:\s+vs\s+(.+?))?(?:\s*\[(\d+)\])?$/.exec(t);
  if (lm) {
    const spec = { type: lm[2] };
    for (const s of lm[3] ? parseSettings(lm[3], line, `${lm[1]} ${lm[2]}`) : []) spec[s.name] = s.value;
    // "log [[0.1, 0.8, 0.1]]": the natural log of each number (logits whose softmax is those probabilities)
    const data = (x) => {
      const lg = /^log\s+(.+)$/.exec(x.trim());
      const v = lg ? data(lg[1]) : Object.hasOwn(lets, x.trim()) ? lets[x.trim()] : literal(x, line, `${lm[1]} ${lm[2]}`);
      const ln = (a) => (Array.isArray(a) ? a.map(ln) : typeof a === 'number' ? Math.log(a) : fail(line, `log needs numbers, got ${JSON.stringify(a)}`));
      return lg ? ln(v) : v;
    };
    const e = { loss: spec, part: lm[1] === 'grad' ? 'grad' : 'value', input: data(lm[4]) };
    if (lm[5] !== undefined) e.target = data(lm[5]);
    if (lm[6] !== undefined) e.element = Number(lm[6]);
    return e;
  }
  const m = /^(\S+?)(?:\s+on\s+([A-Za-z][\w-]*))?(?:\s+with\s+\((.+)\))?$/.exec(t);
  if (!m) fail(line, `'${t}' is not a measurement (loss TYPE(...) of X vs Y, or QUANTITY on FIGURE)`);
  let q;
  try { q = parseQuantity(m[1]); } catch (e) { fail(line, e.message); }
  const figure = m[2] || defaultFigure;
  if (!figure) fail(line, `'${m[1]}' needs a figure: write '${m[1]} on FIGURE-ID'`);
  return { q, figure, settings: m[3] ? parseSettings(m[3], line, 'with') : [] };
}

// "[name:] EXPR OP VALUE-or-EXPR"; a named claim with "= number" can be shown in the text as {{name}}.
export function parseClaim(text, line, lets, defaultFigure) {
  let t = text;
  let name = null;
  const nm = /^([A-Za-z_]\w*)\s*:\s+(.*)$/.exec(t);
  if (nm) { name = nm[1]; t = nm[2]; }
  const s = splitComparison(t);
  if (!s) fail(line, `a claim compares a measurement with a value: 'mse: loss MSELoss of p vs y = 83.6' or 'loss[1] < loss[0] on ravine'; got '${text}'`);
  const [lhs, op, rhs] = s;
  const rv = parseValue(rhs);
  // "loss[1] < loss[0] on ravine": a figure named on one side is the other side's too
  const named = (side) => /\son\s+([A-Za-z][\w-]*)(?:\s+with\s+\(.*\))?$/.exec(side)?.[1];
  const figure = named(lhs) || (rv ? null : named(rhs)) || defaultFigure;
  const claim = { line, text: text.trim(), name, op, lhs: parseExpr(lhs, line, lets, figure) };
  // a bare word after = or != is a value (status = error); anything else on the right is a measurement
  if (rv && (rv.string === undefined || op === '=' || op === '!=')) claim.value = rv;
  else claim.rhs = parseExpr(rhs, line, lets, named(rhs) || figure);
  if (name && !(op === '=' && claim.value && claim.value.string === undefined)) fail(line, `claim '${name}' is named, so the text can show it: it must state '= a number'`);
  return claim;
}

// "momentum = optimizers[1].momentum in [0, 0.99] step 0.01" or "... one of SGD, Adam".
export function parseInput(text, line) {
  const m = /^([\w -]{1,40}?)\s*=\s*(\S+)\s+(in|one of)\s+(.+)$/.exec(text);
  if (!m) fail(line, `an input is 'label = attribute.path in [min, max] step s' or 'label = attribute.path one of a, b, c'; got '${text}'`);
  let path;
  try { path = parsePath(m[2]); } catch (e) { fail(line, e.message); }
  const input = { label: m[1].trim(), ...path, line };
  if (m[3] === 'in') {
    const r = /^\[\s*([^,\]]+)\s*,\s*([^\]]+)\]\s*(?:step\s+(\S+))?$/.exec(m[4].trim());
    const nums = r && [r[1], r[2], r[3] ?? 'x'].map((x) => parseNumber(x)?.value);
    if (!r || nums[0] === undefined || nums[1] === undefined || (r[3] !== undefined && !(nums[2] > 0))) fail(line, `'${m[4]}' is not a range: [min, max] step s`);
    if (!(nums[0] < nums[1])) fail(line, `the range [${nums[0]}, ${nums[1]}] must have min < max`);
    Object.assign(input, { type: 'range', min: nums[0], max: nums[1], step: r[3] === undefined ? 'any' : nums[2] });
  } else {
    const choices = splitTop(m[4]);
    if (choices.length < 2) fail(line, 'one of needs at least two choices');
    input.type = 'choice';
    input.choices = choices.map((c) => literal(c, line, 'one of'));
  }
  return input;
}

// The parsed directives of a ::: challenge FIGURE block.
export function parseChallenge(block, lets) {
  const figure = block.args[0];
  if (!figure || !/^[A-Za-z][\w-]*$/.test(figure)) fail(block.line, '::: challenge names its figure: ::: challenge FIGURE-ID');
  if (block.args.length > 1) fail(block.line, `::: challenge takes one figure id, got '${block.args.join(' ')}'`);
  const c = { line: block.line, figure, inputs: [], claims: [], hints: [], check: null, solution: null };
  for (const d of block.directives) {
    if (d.key === 'check') {
      if (c.check) fail(d.line, 'a challenge has one check: line (join conditions with and)');
      let t = d.text;
      const on = /\s+on\s+([A-Za-z][\w-]*)\s*$/.exec(t);
      if (on) {
        if (on[1] !== figure) fail(d.line, `the check is on '${on[1]}' but the challenge is on '${figure}'`);
        t = t.slice(0, on.index);
      }
      try { c.check = { text: d.text, conds: parseConditions(t), line: d.line }; } catch (e) { fail(d.line, e.message); }
    } else if (d.key === 'input') c.inputs.push(parseInput(d.text, d.line));
    else if (d.key === 'solution') {
      if (c.solution) fail(d.line, 'a challenge has one solution: line (comma-separated settings)');
      c.solution = { settings: parseSettings(d.text, d.line, 'solution'), line: d.line };
    } else if (d.key === 'hint') c.hints.push({ text: d.text, line: d.line });
    else if (d.key === 'claim') c.claims.push(parseClaim(d.text, d.line, lets, figure));
  }
  if (!c.check) fail(block.line, '::: challenge needs a check: line, e.g. check: loss[1] < 1e-3');
  if (!c.solution) fail(block.line, '::: challenge needs a solution: line (the settings that pass it), so the build can show it can be passed');
  const labels = new Set();
  for (const i of c.inputs) {
    if (labels.has(i.label)) fail(i.line, `two inputs are labelled '${i.label}'`);
    labels.add(i.label);
  }
  return c;
}

export function parseLet(d, lets) {
  const m = /^([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(d.text);
  if (!m) fail(d.line, `let names a value: let actual = [100, 150, 200]; got 'let ${d.text}'`);
  if (Object.hasOwn(lets, m[1])) fail(d.line, `'${m[1]}' is defined twice`);
  lets[m[1]] = literal(m[2], d.line, `let ${m[1]}`);
}
