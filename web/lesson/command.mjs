// `steplab lesson build` and `steplab lesson check`: a lecturer's Markdown file (or a folder of them) into
// pages, each figure run, each claim measured and each challenge tried by the lab before anything is
// written, so that a page never states what the lab does not show. Errors name the file and the line.
import fs from 'node:fs';
import path from 'node:path';
import { LessonSyntaxError } from './quantity.mjs';
import { compileLesson } from './compile.mjs';
import { verifyLesson } from './measure.mjs';
import { lessonPage, indexPage } from './page.mjs';

export const HELP = `steplab lesson: lessons in Markdown, built into static pages with live steplab figures

Usage:
  steplab lesson build <lesson.md> [-o lesson.html] [--self-contained] [--embed URL] [--no-verify]
      One page. It loads steplab-embed.js from URL (default: steplab-embed.js beside the page);
      --self-contained puts the embed script inside the page (about 270 kB), so the page is one file.
  steplab lesson build <folder> -o <out-folder> [--embed URL] [--lab URL] [--self-contained] [--no-verify]
      Every .md of the folder; files named NN-*.md form the numbered path, in that order, others are
      listed after it; writes index.html (the path) and lessons.json (titles and files) too.
  steplab lesson check <lesson.md>...
      Builds nothing: runs each figure, measures each claim, tries each challenge; prints them.

Before writing, the build runs every figure, measures every claim (a lesson stating what the lab does
not reproduce fails) and checks that each challenge is not passed before the reader acts but is passed
by its solution; --no-verify skips that. The authoring guide: dist/lessons/authoring.html.
`;

class UsageError extends Error {}
const MIME = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', webp: 'image/webp' };

function parse(argv) {
  const pos = [];
  const flags = { selfContained: false, verify: true, embed: null, lab: null, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [k, inline] = a.startsWith('--') ? a.split(/=(.*)/s, 2) : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${k} needs a value`);
      return v;
    };
    if (k === '-o' || k === '--out') flags.out = value();
    else if (k === '--embed') flags.embed = value();
    else if (k === '--lab') flags.lab = value();
    else if (k === '--self-contained') flags.selfContained = true;
    else if (k === '--no-verify') flags.verify = false;
    else if (k === '--help' || k === '-h') flags.help = true;
    else if (k.startsWith('-')) throw new UsageError(`lesson: unknown option ${k} (steplab lesson --help)`);
    else pos.push(a);
  }
  return { pos, flags };
}

function assetResolver(dir) {
  return (src, line) => {
    if (!src || /^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('/') || src.startsWith('\\')) {
      throw new LessonSyntaxError(`line ${line}: an image must be a file beside the lesson (a relative path), got '${src}'`);
    }
    const ext = path.extname(src).slice(1).toLowerCase();
    if (!Object.hasOwn(MIME, ext)) throw new LessonSyntaxError(`line ${line}: an image must be ${Object.keys(MIME).join(', ')}, got '${src}'`);
    const file = path.resolve(dir, decodeURIComponent(src));
    let bytes;
    try { bytes = fs.readFileSync(file); } catch (e) { throw new LessonSyntaxError(`line ${line}: cannot read the image ${src}: ${e.code || e.message}`); }
    if (bytes.length > 5e6) throw new LessonSyntaxError(`line ${line}: the image ${src} is ${bytes.length} bytes; at most 5 MB`);
    return `data:${MIME[ext]};base64,${bytes.toString('base64')}`;
  };
}

// One lesson file compiled (and verified): { lesson, report } or a LessonSyntaxError naming the file.
export function buildLesson(lab, file, { verify = true } = {}) {
  let text;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${file}: ${e.code || e.message}`); }
  try {
    const lesson = compileLesson(text, { registry: lab.registry, file, resolveAsset: assetResolver(path.dirname(file)) });
    const report = verify ? verifyLesson(lab, lesson) : null;
    return { lesson, report };
  } catch (e) {
    if (e instanceof LessonSyntaxError) {
      const err = new LessonSyntaxError(e.message.split('\n').map((m) => `${file}: ${m}`).join('\n'));
      err.lessonFile = file;
      throw err;
    }
    throw e;
  }
}

function embedOption(flags, fallback) {
  if (!flags.selfContained) return { src: flags.embed || fallback };
  const file = new URL('./steplab-embed.js', import.meta.url);
  try { return { inline: fs.readFileSync(file, 'utf8') }; } catch (e) { throw new UsageError(`--self-contained needs steplab-embed.js beside this module (${file.pathname}): ${e.code || e.message}`); }
}

// Builds a folder: numbered lessons in order, then the others; index.html and lessons.json.
export function buildFolder(lab, dir, out, flags = {}) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
  if (!files.length) throw new UsageError(`${dir} holds no .md lessons`);
  const built = files.map((f) => ({ f, ...buildLesson(lab, path.join(dir, f), flags) }));
  const path1 = built.filter((b) => /^\d+-/.test(b.f));
  const extra = built.filter((b) => !/^\d+-/.test(b.f));
  const ids = new Map();
  for (const b of built) {
    if (ids.has(b.lesson.id)) throw new UsageError(`${b.f} and ${ids.get(b.lesson.id)} have the same lesson id '${b.lesson.id}'; give one an id: in its front matter`);
    ids.set(b.lesson.id, b.f);
  }
  fs.mkdirSync(out, { recursive: true });
  const embed = embedOption(flags, 'steplab-embed.js');
  const entry = (b, i) => ({ href: `${b.lesson.file}.html`, file: `${b.lesson.file}.html`, id: b.lesson.id, title: b.lesson.title, minutes: b.lesson.minutes,
    summary: b.lesson.summary, items: b.lesson.questions.length + b.lesson.challenges.length, number: i === null ? null : i + 1,
    questions: b.lesson.questions.length, challenges: b.lesson.challenges.length, claims: b.lesson.claims.length, figures: b.lesson.figures.length });
  const entries = path1.map((b, i) => entry(b, i));
  const extras = extra.map((b) => entry(b, null));
  path1.forEach((b, i) => {
    const nav = { index: 'index.html', number: i + 1, total: path1.length, lab: flags.lab,
      prev: i > 0 ? { href: entries[i - 1].href, title: entries[i - 1].title } : null,
      next: i + 1 < path1.length ? { href: entries[i + 1].href, title: entries[i + 1].title } : null };
    fs.writeFileSync(path.join(out, entries[i].href), lessonPage(b.lesson, { embed, nav }));
  });
  extra.forEach((b, i) => fs.writeFileSync(path.join(out, extras[i].href), lessonPage(b.lesson, { embed, nav: { index: 'index.html', lab: flags.lab } })));
  fs.writeFileSync(path.join(out, 'index.html'), indexPage(entries, extras, { lab: flags.lab }));
  fs.writeFileSync(path.join(out, 'lessons.json'), `${JSON.stringify({ path: entries, extra: extras }, null, 2)}\n`);
  return { entries, extras, built };
}

// argv: what follows `steplab lesson`. Returns the exit code (0, 2 bad input, 1 anything else).
export async function lessonCommand(argv, { loadSteplab, out = (s) => process.stdout.write(s), err = (s) => process.stderr.write(s) }) {
  try {
    const { pos, flags } = parse(argv);
    const [sub, ...args] = pos;
    if (flags.help || !sub) { out(HELP); return sub || flags.help ? 0 : 2; }
    if (sub !== 'build' && sub !== 'check') throw new UsageError(`lesson: unknown command '${sub}'; it has build and check (steplab lesson --help)`);
    if (!args.length) throw new UsageError(`lesson ${sub} needs a lesson file${sub === 'build' ? ' or folder' : ''}`);
    const lab = await loadSteplab();
    if (sub === 'check') {
      for (const file of args) {
        const { lesson, report } = buildLesson(lab, file);
        out(`${file}: ${lesson.title}: ${report.claims.length} claims hold, ${report.challenges.length} challenges pass by their solution and not before\n`);
        for (const c of report.claims) out(`  line ${c.line}: ${c.text}   (measured ${typeof c.measured === 'number' ? +c.measured.toPrecision(6) : c.measured})\n`);
      }
      return 0;
    }
    if (args.length > 1) throw new UsageError('lesson build takes one file or folder');
    const input = args[0];
    const isDir = fs.existsSync(input) && fs.statSync(input).isDirectory();
    if (isDir) {
      if (!flags.out) throw new UsageError('lesson build <folder> needs -o <out-folder>');
      const r = buildFolder(lab, input, flags.out, flags);
      err(`steplab: built ${r.entries.length + r.extras.length} lessons into ${flags.out}/ (index.html, lessons.json)\n`);
      return 0;
    }
    const target = flags.out || input.replace(/\.md$/i, '') + '.html';
    const { lesson } = buildLesson(lab, input, flags);
    fs.writeFileSync(target, lessonPage(lesson, { embed: embedOption(flags, 'steplab-embed.js') }));
    err(`steplab: ${input} -> ${target} (${lesson.figures.length} figures, ${lesson.questions.length} questions, ${lesson.challenges.length} challenges, ${lesson.claims.length} claims measured)\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof LessonSyntaxError) { err(`steplab: ${e.message}\n`); return 2; }
    if (e?.name === 'SteplabError') { err(`steplab: ${e.message}\n`); return 2; }
    err(`steplab: internal error: ${e.stack || e}\n`);
    return 1;
  }
}
