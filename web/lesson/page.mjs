// A compiled lesson as one static HTML page, and the index of a folder of lessons. The page's own script
// (runtime.js) and style sheet are inline and allowed by their SHA-256 hashes in a Content-Security-Policy
// meta tag, so it holds from file:// as over http: no 'unsafe-inline', no eval, nothing from another origin.
// steplab-embed.js is loaded from a relative path, or inlined (selfContained) with its hash; an inlined
// embed starts its worker from a blob: URL of the copy it carries, the only thing that policy adds.
import { createHash } from 'node:crypto';
import temmlCss from 'temml/dist/Temml-Local.css';
import temmlFont from 'temml/dist/Temml.woff2';
import lessonCss from './lesson.css';
import runtimeSource from '../../dist/build/lesson-runtime.txt';
import { escapeHtml } from './figures.mjs';

const hash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
// Inline script text may not close its element or open an HTML comment.
const inlineSafe = (js) => js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

// temml's local-font style sheet, its Temml font (primes, \mathscr) carried as a data: URL.
const mathCss = temmlCss.replace(/url\(['"]?Temml\.woff2['"]?\)/, `url(${temmlFont})`).replace(/^\/\*[\s\S]*?\*\//, '');

function csp({ scripts, styles, self }) {
  return [
    "default-src 'none'",
    `script-src ${self ? "'self' " : ''}${scripts.map(hash).join(' ')} 'wasm-unsafe-eval'`,
    `worker-src ${self ? "'self' " : ''}blob:`,
    `style-src ${styles.map(hash).join(' ')}`,
    "img-src 'self' data: blob:",
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function shell({ title, policy, style, head, bodyAttrs, body, script }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">
<meta name="generator" content="steplab lesson build">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${style}</style>
${head}</head>
<body${bodyAttrs}>
${body}
<script>${script}</script>
</body>
</html>
`;
}

// options: embed { src } (a relative URL, default steplab-embed.js) or { inline: text of steplab-embed.js };
// nav { index, prev: { href, title }, next: { href, title }, number, total, lab } for a lesson of a folder.
export function lessonPage(lesson, { embed = { src: 'steplab-embed.js' }, nav = null } = {}) {
  const style = `${lessonCss}\n${mathCss}\n${lesson.mathCss}`;
  const script = inlineSafe(runtimeSource);
  const embedText = embed.inline !== undefined ? inlineSafe(embed.inline) : null;
  const policy = csp({ scripts: embedText ? [script, embedText] : [script], styles: [style], self: !embedText });
  const head = embedText ? `<script>${embedText}</script>\n` : `<script src="${escapeHtml(embed.src)}"></script>\n`;
  const items = lesson.questions.length + lesson.challenges.length;
  const where = [nav?.number ? `Lesson ${nav.number} of ${nav.total}` : null, lesson.minutes ? `about ${lesson.minutes} minutes` : null].filter(Boolean).join(' · ');
  const bar = `<header class="sl-bar">${nav ? `<a class="sl-home" href="${escapeHtml(nav.index)}">steplab lessons</a>` : '<span class="sl-home">steplab lesson</span>'}
<span class="sl-where">${escapeHtml(where)}</span><span class="sl-spacer"></span>
<span class="sl-progress"><progress max="${Math.max(items, 1)}" value="0"></progress> <span class="sl-progress-text">0 of ${items} done</span></span>
<button type="button" class="sl-reset">Reset progress</button></header>`;
  const pager = nav ? `<nav class="sl-pager" aria-label="Lessons">${nav.prev ? `<a rel="prev" href="${escapeHtml(nav.prev.href)}">← ${escapeHtml(nav.prev.title)}</a>` : '<span></span>'}${nav.next ? `<a rel="next" href="${escapeHtml(nav.next.href)}">${escapeHtml(nav.next.title)} →</a>` : '<span></span>'}</nav>\n` : '';
  const foot = `<footer class="sl-foot">Every figure is computed live in your browser by steplab's WebAssembly core, with PyTorch 1.13's formulas; every number in the text is measured by the lab in its tests (hover over one to see how). Progress is kept in this browser only.${nav?.lab ? ` <a href="${escapeHtml(nav.lab)}">Open the lab</a>.` : ''}</footer>`;
  return shell({
    title: `${lesson.title} · steplab`,
    policy, style, head,
    bodyAttrs: ` data-lesson="${escapeHtml(lesson.id)}" data-items="${items}"`,
    body: `${bar}\n<main class="sl-lesson">\n${lesson.html}</main>\n${pager}${foot}`,
    script,
  });
}

// entries: [{ href, id, title, minutes, summary, items, number }] in path order; extra: the same, unnumbered.
export function indexPage(entries, extra = [], { lab = null } = {}) {
  const style = lessonCss;
  const script = inlineSafe(runtimeSource);
  const item = (e) => `<li data-lesson-link="${escapeHtml(e.id)}" data-items="${e.items}"><span class="sl-n">${e.number ?? ''}</span>` +
    `<a href="${escapeHtml(e.href)}">${escapeHtml(e.title)}</a><span class="sl-meta"><span class="sl-item-progress"></span><progress max="${Math.max(e.items, 1)}" value="0"></progress>${e.minutes ? `${e.minutes} min` : ''}</span>` +
    `${e.summary ? `<span class="sl-summary">${escapeHtml(e.summary)}</span>` : ''}</li>`;
  const total = entries.reduce((s, e) => s + (e.minutes || 0), 0);
  const body = `<header class="sl-bar"><span class="sl-home">steplab lessons</span><span class="sl-spacer"></span>${lab ? `<a href="${escapeHtml(lab)}">Open the lab</a>` : ''}</header>
<main class="sl-index">
<h1>Start here: how networks are optimized</h1>
<p>${entries.length} short lessons, about ${total} minutes in all, from what a loss measures to the checklist for a real training run. Each asks before it shows: answer the question, then watch the figure prove it, and pass the challenge by changing the figure yourself. Every figure is the lab, live; every number is measured.</p>
<ol class="sl-path">
${entries.map(item).join('\n')}
</ol>
${extra.length ? `<h2>For lecturers</h2>\n<ol class="sl-path">\n${extra.map(item).join('\n')}\n</ol>\n<p>Write your own lesson in Markdown and build it with <code>npx steplab lesson build my-lecture.md -o my-lecture.html</code>.</p>` : ''}
</main>`;
  return shell({ title: 'steplab lessons', policy: csp({ scripts: [script], styles: [style], self: false }), style, head: '', bodyAttrs: ' data-index', body, script });
}
