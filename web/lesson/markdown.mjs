// markdown-it for lessons: CommonMark with tables; TeX math ($...$, $$...$$) rendered to MathML by temml
// while parsing (so a TeX error names its line); steplab figures (a <steplab-*> tag starting a line, its
// attributes checked against the allow-list); {{name}} showing a measured claim; ::: question and
// ::: challenge blocks (markdown-it-container) turned into their page markup. Any other raw HTML is refused.
// temml writes style attributes, which a strict Content-Security-Policy blocks: they become classes here,
// and their rules go into the page's hashed style sheet (env.mathStyles).
import MarkdownIt from 'markdown-it';
import container from 'markdown-it-container';
import temml from 'temml';
import { LessonSyntaxError } from './quantity.mjs';
import { parseTag, checkAttributes, escapeHtml, KINDS } from './figures.mjs';

const fail = (line, msg) => { throw new LessonSyntaxError(`line ${line}: ${msg}`); };

// TeX -> MathML with temml's style attributes moved into classes.
export function renderMath(tex, display, env, line) {
  const src = tex.replace(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g, (m, name) => (env.claims?.has(name) ? env.claims.get(name).value.text : m));
  let out;
  try {
    out = temml.renderToString(src, { displayMode: display, throwOnError: true, annotate: true, trust: false, xml: false });
  } catch (e) {
    const at = typeof e.position === 'number' ? (src.slice(0, e.position).match(/\n/g) || []).length : 0;
    fail(line + at, `TeX: ${String(e.message).split('\n')[0].replace(/^\s*(?:ParseError:)?\s*/, '').replace(/\s*:\s*$/, '')}`);
  }
  return out.replace(/<([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g, (tag, name, attrs, slash) => {
    if (!/\sstyle="/.test(attrs)) return tag;
    let cls = '';
    let style = '';
    const rest = attrs.replace(/\s+([\w:-]+)="([^"]*)"/g, (a, k, v) => {
      if (k === 'style') { style = v; return ''; }
      if (k === 'class') { cls = v; return ''; }
      return a;
    });
    const decl = style.trim().replace(/;$/, '');
    if (decl && decl !== 'true' && decl !== 'false') {
      if (!/^[\w\s:;.,%()#-]+$/.test(decl)) fail(line, `TeX: temml produced a style the page cannot use: ${decl}`);
      if (!env.mathStyles.has(decl)) env.mathStyles.set(decl, `sl-m${env.mathStyles.size + 1}`);
      cls = `${cls} ${env.mathStyles.get(decl)}`.trim();
    }
    return `<${name}${rest}${cls ? ` class="${cls}"` : ''}${slash ? '/' : ''}>`;
  });
}

function isComment(html) {
  return /^\s*(?:<!--[\s\S]*?-->\s*)+$/.test(html);
}

// ------------------------------------------------------------------ block rules
function figureRule(state, startLine, endLine, silent) {
  const pos = state.bMarks[startLine] + state.tShift[startLine];
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  if (!state.src.startsWith('<steplab-', pos)) return false;
  if (silent) return true;
  const text = state.src.slice(pos, state.eMarks[endLine - 1]);
  const tag = parseTag(text, startLine + 1);
  const nl = (text.slice(0, tag.length).match(/\n/g) || []).length;
  const last = startLine + nl;
  const lineEnd = state.eMarks[last];
  const after = state.src.slice(pos + tag.length, lineEnd);
  if (after.trim()) fail(last + 1, `nothing may follow </${tag.tag}> on its line, got '${after.trim().slice(0, 30)}'`);
  const fig = { tag: tag.tag, attrs: new Map([...tag.attrs].map(([k, v]) => [k, v.value])), attrLines: new Map([...tag.attrs].map(([k, v]) => [k, v.line])), line: startLine + 1 };
  fig.kind = checkAttributes({ ...fig, attrs: tag.attrs }, state.env.registry);
  const token = state.push('sl_figure', '', 0);
  token.map = [startLine, last + 1];
  token.meta = fig;
  state.env.figures.push(fig);
  state.line = last + 1;
  return true;
}

function mathBlockRule(state, startLine, endLine, silent) {
  const pos = state.bMarks[startLine] + state.tShift[startLine];
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  if (state.src.slice(pos, pos + 2) !== '$$') return false;
  const firstRest = state.src.slice(pos + 2, state.eMarks[startLine]);
  let content;
  let last = startLine;
  if (firstRest.trim().endsWith('$$')) {
    content = firstRest.trim().slice(0, -2);
  } else {
    const parts = [firstRest];
    let found = false;
    for (let l = startLine + 1; l < endLine; l++) {
      const t = state.src.slice(state.bMarks[l] + state.tShift[l], state.eMarks[l]);
      if (t.trimEnd().endsWith('$$')) { parts.push(t.trimEnd().slice(0, -2)); last = l; found = true; break; }
      parts.push(t);
    }
    if (!found) fail(startLine + 1, '$$ opens display math that is not closed with $$');
    content = parts.join('\n');
  }
  if (silent) return true;
  const token = state.push('math_block', 'math', 0);
  token.map = [startLine, last + 1];
  token.content = renderMath(content, true, state.env, startLine + 1);
  state.line = last + 1;
  return true;
}

// ------------------------------------------------------------------ inline rules
const lineOf = (state) => (state.env.blockLine ?? 1) + (state.src.slice(0, state.pos).match(/\n/g) || []).length;

function mathInlineRule(state, silent) {
  const src = state.src;
  const start = state.pos;
  if (src[start] !== '$') return false;
  if (src[start + 1] === '$') {
    const end = src.indexOf('$$', start + 2);
    if (end < 0) return false;
    if (!silent) {
      const t = state.push('math_inline', 'math', 0);
      t.content = renderMath(src.slice(start + 2, end), true, state.env, lineOf(state));
    }
    state.pos = end + 2;
    return true;
  }
  if (/\s/.test(src[start + 1] || ' ')) return false;
  let end = start + 1;
  for (;;) {
    end = src.indexOf('$', end);
    if (end < 0) return false;
    if (src[end - 1] === '\\') { end++; continue; }
    if (/\s/.test(src[end - 1]) || /\d/.test(src[end + 1] || '')) { end++; continue; }
    break;
  }
  if (!silent) {
    const t = state.push('math_inline', 'math', 0);
    t.content = renderMath(src.slice(start + 1, end), false, state.env, lineOf(state));
  }
  state.pos = end + 1;
  return true;
}

function claimRefRule(state, silent) {
  const src = state.src;
  if (!src.startsWith('{{', state.pos)) return false;
  const end = src.indexOf('}}', state.pos + 2);
  if (end < 0) return false;
  const name = src.slice(state.pos + 2, end).trim();
  if (!/^[A-Za-z_]\w*$/.test(name)) return false;
  const claim = state.env.claims.get(name);
  if (!claim) fail(lineOf(state), `{{${name}}} names no claim; define it in a ::: claims block: ${name}: MEASUREMENT = VALUE`);
  if (!silent) {
    const t = state.push('sl_ref', '', 0);
    t.meta = { name, claim };
  }
  state.pos = end + 2;
  return true;
}

// ------------------------------------------------------------------ structure
// The options list of a ::: question: tokens [from, to) hold the block's content.
function questionOptions(tokens, from, to, level, q) {
  const open = tokens.findIndex((t, k) => k >= from && k < to && t.type === 'bullet_list_open' && t.level === level);
  if (open < 0) fail(q.line, '::: question needs a list of options: - [ ] wrong, - [x] right');
  let close = open;
  while (!(tokens[close].type === 'bullet_list_close' && tokens[close].level === level)) close++;
  const options = [];
  for (let k = open + 1; k < close; k++) {
    const t = tokens[k];
    if (t.type === 'list_item_open') {
      const para = tokens[k + 1];
      const inline = tokens[k + 2];
      const line = (t.map?.[0] ?? 0) + 1;
      if (para.type !== 'paragraph_open' || inline.type !== 'inline' || tokens[k + 3].type !== 'paragraph_close' || tokens[k + 4].type !== 'list_item_close') {
        fail(line, 'an option is one line of text after - [ ] or - [x]');
      }
      const m = /^\[( |x|X)\]\s+/.exec(inline.content);
      if (!m) fail(line, `an option starts with [ ] or [x], got '${inline.content.slice(0, 30)}'`);
      let cut = m[0].length;
      while (cut > 0 && inline.children.length) {
        const c = inline.children[0];
        if (c.type !== 'text') fail(line, 'an option starts with [ ] or [x] followed by text');
        if (c.content.length <= cut) { cut -= c.content.length; inline.children.shift(); } else { c.content = c.content.slice(cut); cut = 0; }
      }
      const index = options.length;
      const correct = m[1] !== ' ';
      options.push({ correct, line, text: inline.content.slice(m[0].length) });
      t.type = 'sl_option_open';
      t.meta = { q, index, correct };
      para.hidden = true;
      tokens[k + 3].hidden = true;
      tokens[k + 4].type = 'sl_option_close';
      k += 4;
    }
  }
  if (options.length < 2) fail(q.line, '::: question needs at least two options');
  if (!options.some((o) => o.correct)) fail(q.line, '::: question needs a right option marked - [x]');
  tokens[open].type = 'sl_options_open';
  tokens[open].meta = { q };
  tokens[close].type = 'sl_options_close';
  tokens[close].meta = { q };
  q.options = options;
  q.correct = options.flatMap((o, i) => (o.correct ? [i] : []));
  q.multi = q.correct.length > 1;
}

function structure(state) {
  const env = state.env;
  const tokens = state.tokens;
  let lockNext = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    // a caption or a hint is parsed on its own (inline mode): its line is the attribute's or the directive's
    const line = state.inlineMode ? (env.blockLine ?? 1) : (t.map?.[0] ?? 0) + 1;
    if (t.type === 'html_block') {
      if (isComment(t.content)) { t.content = ''; continue; }
      const tag = /<\s*([a-zA-Z][\w-]*)/.exec(t.content);
      fail(line, tag && /^steplab-/.test(tag[1])
        ? `<${tag[1]}> must start its own line and hold nothing between its tags`
        : `raw HTML is not allowed in a lesson (only steplab figures on their own lines): ${t.content.trim().split('\n')[0].slice(0, 60)}`);
    }
    if ((t.type === 'th_open' || t.type === 'td_open') && t.attrGet('style')) {
      // markdown-it aligns table columns with style attributes, which the page's policy blocks: classes instead
      const align = /text-align:\s*(left|right|center)/.exec(t.attrGet('style'));
      t.attrs = t.attrs.filter(([k]) => k !== 'style');
      if (align) t.attrJoin('class', `sl-al-${align[1]}`);
    }
    if (t.type === 'inline') {
      let l = line;
      for (const c of t.children || []) {
        if (c.type === 'softbreak' || c.type === 'hardbreak') l++;
        if (c.type === 'html_inline') {
          if (isComment(c.content)) { c.content = ''; continue; }
          fail(l, /^<\/?steplab-/.test(c.content) ? `${c.content.slice(0, 40)}: a figure must start its own line` : `raw HTML is not allowed in a lesson: ${c.content.slice(0, 60)}`);
        }
        if (c.type === 'image') {
          const src = c.attrGet('src');
          c.attrSet('src', env.resolveAsset(src, l));
        }
      }
    }
    if (t.type === 'container_question_open') {
      const q = env.questionAt.get(line);
      q.id = `q${env.questions.length + 1}`;
      env.questions.push(q);
      t.meta = { q };
      let j = i + 1;
      while (!(tokens[j].type === 'container_question_close' && tokens[j].level === t.level)) j++;
      tokens[j].meta = { q };
      questionOptions(tokens, i + 1, j, t.level + 1, q);
      if (q.lock) lockNext = q;
    }
    if (t.type === 'container_challenge_open') {
      const c = env.challengeAt.get(line);
      c.id = `c${env.challenges.length + 1}`;
      env.challenges.push(c);
      t.meta = { c };
      let j = i + 1;
      while (!(tokens[j].type === 'container_challenge_close' && tokens[j].level === t.level)) j++;
      tokens[j].meta = { c };
    }
    if (t.type === 'container_claims_open') {
      let j = i + 1;
      while (tokens[j].type !== 'container_claims_close') {
        if (tokens[j].type !== 'inline' && !tokens[j].hidden) fail((tokens[j].map?.[0] ?? t.map[0]) + 1, '::: claims holds only claim and let lines');
        j++;
      }
    }
    if (t.type === 'sl_figure' && lockNext) {
      t.meta.lockedBy = lockNext.id;
      lockNext.locks = t.meta.attrs.get('id') || `(the figure on line ${t.meta.line})`;
      lockNext = null;
    }
  }
  if (lockNext) fail(lockNext.line, '::: question lock locks the next figure, but no figure follows');
}

// ------------------------------------------------------------------ rendering
const attr = (name, value) => (value === true ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`);

function renderFigure(md, fig, env) {
  const attrs = [...fig.attrs].filter(([k]) => k !== 'caption').map(([k, v]) => attr(k, v)).join('');
  let caption = '';
  if (fig.attrs.has('caption')) {
    env.blockLine = fig.attrLines.get('caption');
    caption = `<figcaption>${md.renderInline(fig.attrs.get('caption'), env)}</figcaption>`;
  }
  const lock = fig.lockedBy ? `<p class="sl-lock-note">Answer the question above to see this figure.</p>` : '';
  return `<figure class="sl-figure"${attr('data-kind', fig.kind)}${fig.lockedBy ? attr('data-locked-by', fig.lockedBy) : ''}><${fig.tag}${attrs}></${fig.tag}>${lock}${caption}</figure>\n`;
}

function renderInput(input) {
  const data = `${attr('data-attr', input.attr)}${attr('data-path', JSON.stringify(input.path))}${attr('data-input', input.label)}`;
  const now = input.current;
  if (input.type === 'range') {
    const v = typeof now === 'number' ? now : input.min;
    return `<label class="sl-input"><span>${escapeHtml(input.label)}</span><input type="range"${attr('min', input.min)}${attr('max', input.max)}${attr('step', input.step)}${attr('value', v)}${data}><output>${escapeHtml(v)}</output></label>`;
  }
  const opts = input.choices.map((c) => `<option${attr('value', JSON.stringify(c))}${JSON.stringify(c) === JSON.stringify(now) ? ' selected' : ''}>${escapeHtml(c)}</option>`).join('');
  return `<label class="sl-input"><span>${escapeHtml(input.label)}</span><select${data}>${opts}</select></label>`;
}

export function makeMarkdown() {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
  md.block.ruler.before('html_block', 'sl_figure', figureRule, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.block.ruler.before('fence', 'math_block', mathBlockRule, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.inline.ruler.after('escape', 'math_inline', mathInlineRule);
  md.inline.ruler.after('math_inline', 'sl_ref', claimRefRule);
  // markdown-it's inline pass, remembering each block's line so that inline errors can name theirs
  md.core.ruler.at('inline', (state) => {
    for (const tok of state.tokens) {
      if (tok.type !== 'inline') continue;
      if (tok.map && !state.inlineMode) state.env.blockLine = tok.map[0] + 1;
      state.md.inline.parse(tok.content, state.md, state.env, tok.children);
    }
  });
  for (const name of ['question', 'challenge', 'claims']) md.use(container, name, { validate: (p) => p.trim().split(/\s+/)[0] === name });
  md.core.ruler.push('sl_structure', structure);

  const r = md.renderer.rules;
  r.math_inline = (tokens, i) => tokens[i].content;
  r.math_block = (tokens, i) => `<div class="sl-math">${tokens[i].content}</div>\n`;
  r.sl_ref = (tokens, i) => {
    const { name, claim } = tokens[i].meta;
    return `<span class="sl-num"${attr('data-claim', name)}${attr('title', `measured by the lab: ${claim.text}`)}>${escapeHtml(claim.value.text)}</span>`;
  };
  r.sl_figure = (tokens, i, opts, env) => renderFigure(md, tokens[i].meta, env);
  r.container_claims_open = () => '';
  r.container_claims_close = () => '';
  r.container_question_open = (tokens, i) => {
    const { q } = tokens[i].meta;
    return `<section class="sl-question"${attr('id', q.id)}${attr('data-question', q.id)}${attr('data-correct', q.correct.join(','))}${q.lock ? attr('data-locks', q.locks) : ''}>\n<p class="sl-kicker">Question</p>\n<div class="sl-prompt">\n`;
  };
  r.sl_options_open = (tokens, i) => {
    const { q } = tokens[i].meta;
    return `</div>\n<fieldset class="sl-options"><legend>${q.multi ? 'Choose every right answer' : 'Choose one'}</legend>\n`;
  };
  r.sl_option_open = (tokens, i) => {
    const { q, index, correct } = tokens[i].meta;
    return `<label class="sl-option"${correct ? ' data-correct' : ''}><input${attr('type', q.multi ? 'checkbox' : 'radio')}${attr('name', q.id)}${attr('value', index)}> <span>`;
  };
  r.sl_option_close = () => '</span></label>\n';
  r.sl_options_close = () => '</fieldset>\n<div class="sl-actions"><button type="button" class="sl-check">Check my answer</button> <span class="sl-feedback" aria-live="polite"></span></div>\n<div class="sl-explain">\n';
  r.container_question_close = () => '</div>\n</section>\n';
  r.container_challenge_open = (tokens, i) => {
    const { c } = tokens[i].meta;
    const check = JSON.stringify({ conds: c.check.conds, text: c.check.text, kind: c.kind });
    return `<section class="sl-challenge"${attr('id', c.id)}${attr('data-challenge', c.id)}${attr('data-figure', c.figure)}${attr('data-kind', c.kind)}${attr('data-check', check)}>\n<p class="sl-kicker">Challenge</p>\n<div class="sl-task">\n`;
  };
  r.container_challenge_close = (tokens, i, opts, env) => {
    const { c } = tokens[i].meta;
    const inputs = c.inputs.length ? `<div class="sl-inputs">${c.inputs.map((x) => renderInput(x)).join('')}</div>\n` : '';
    const hints = c.hints.map((h) => { env.blockLine = h.line; return `<details class="sl-hint"><summary>Hint</summary><p>${md.renderInline(h.text, env)}</p></details>\n`; }).join('');
    const run = c.kind === 'race' || c.kind === 'train' ? '<button type="button" class="sl-run">Run the figure</button> ' : '';
    return `</div>\n${inputs}${hints}<p class="sl-goal">Passes when <code>${escapeHtml(c.check.text)}</code> on <a${attr('href', `#${c.figure}`)}>the figure</a>.</p>\n<div class="sl-actions">${run}<span class="sl-status" aria-live="polite">Not passed yet.</span></div>\n</section>\n`;
  };
  return md;
}

export { KINDS };
