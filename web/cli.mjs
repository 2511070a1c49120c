#!/usr/bin/env node
// steplab's command line: the same core as the page, for graders, figures and CI.
// Exit codes: 0 success, 2 bad input (message on stderr, naming the field), 1 anything else.
import fs from 'node:fs';
import { loadSteplab, SteplabError } from '../dist/steplab.mjs';

const HELP = `steplab: learning-rate schedules and losses at PyTorch parity, from the terminal

Usage:
  steplab schedule '<json spec>' [--steps N] [--metrics a,b,...] [--csv | --json | --plot [--width W] [--height H]]
      Learning rate after k calls of scheduler.step(), k = 0..N-1 (default N = 100).
      The spec uses torch.optim.lr_scheduler's names; "lr" is the optimizer's initial rate.
  steplab trace '<json>' [--csv | --json | --plot [--width W] [--height H]]
      One optimizer on a 2-D surface: {"fn", "start": [x, y], "optimizer": {...}, "steps", "noise"?, "seed"?}.
      Prints step, x, y, loss, lr per line; stops at divergence and says so.
  steplab loss '<json spec>' '<json input>' '<json target>' [--json]
      A loss and its gradient, as torch.nn computes them.
  steplab train <config.json> [--out history.csv] [--json] [--quiet]
      Trains an MLP with lab.createTrainer's config ({"dataset", "model", "loss", "optimizer",
      "scheduler"?, "batch_size", "epochs", "seed", ...}). Progress goes to stderr: a bar with ETA
      on a terminal, one line per epoch otherwise. Prints the final metrics; --out writes the
      per-epoch history as CSV (checked writable before training starts); --json prints history
      and metrics as JSON. Ctrl-C stops the run and writes the epochs done so far (to --out, or
      to stdout), then exits with 130.
  steplab lr-find <config.json> [--start-lr A] [--end-lr B] [--num-iter N] [--step-mode exp|linear]
                  [--smooth-f F] [--diverge-th T] [--seeds 1,2,3] [--json | --csv | --plot]
      The learning-rate range test on the same config: the lr grows from A (1e-7) to B (10) over
      N (100) steps; prints fast.ai's four suggestions (valley is the usual pick).
  steplab lesson build <lesson.md> [-o lesson.html] [--self-contained]
      A lesson in Markdown (math, live figures, questions, challenges) as a page (steplab lesson --help).
  steplab list [schedulers | losses | optimizers | surfaces | datasets] [--json]
      The names (and with --json, the parameters) the core knows.
  steplab --help | --version

A spec argument can also be @file.json, a config a file path or inline JSON. Output goes to stdout;
errors and progress to stderr. Flags are checked: an unknown flag, a flag the command does not
take, a missing or empty value or a value that is not a decimal number is an error (exit 2).

Examples:
  steplab schedule '{"type":"OneCycleLR","max_lr":0.1,"total_steps":100}' --steps 100 --plot
  steplab schedule '{"type":"StepLR","lr":0.1,"step_size":30,"gamma":0.1}' --steps 90 --csv > lr.csv
  steplab schedule '{"type":"ReduceLROnPlateau","patience":1}' --steps 5 --metrics 1,1,1,1
  steplab trace '{"fn":"rosenbrock","start":[-1.5,2],"optimizer":{"type":"Adam","lr":0.05},"steps":300}' --plot
  steplab loss '{"type":"HuberLoss","delta":5}' '[98,153,199,182,140]' '[100,150,200,180,120]'
  steplab train digits.json --out history.csv
  steplab train '{"dataset":{"name":"moons"},"model":{"hidden":[16]},"loss":{"type":"BCEWithLogitsLoss"},"optimizer":{"type":"Adam","lr":0.01},"epochs":20}'
  steplab lr-find digits.json --plot
  steplab lr-find digits.json --seeds 0,1,2 --end-lr 1 --csv > lr-find.csv
`;

class UsageError extends Error {}

// The flags each command takes, with the kind of value: count (a whole decimal number), number
// (a decimal), numbers / counts / metrics (comma-separated; metrics may be NaN or ±Infinity), path, an array of choices, or null (no value).
const PLOT = { plot: null, width: 'count', height: 'count' };
const COMMANDS = {
  schedule: { args: [1, 1], flags: { steps: 'count', metrics: 'metrics', csv: null, json: null, ...PLOT } },
  trace: { args: [1, 1], flags: { csv: null, json: null, ...PLOT } },
  loss: { args: [2, 3], flags: { json: null } },
  train: { args: [1, 1], flags: { out: 'path', json: null, quiet: null } },
  'lr-find': { args: [1, 1], flags: { 'start-lr': 'number', 'end-lr': 'number', 'num-iter': 'count', 'step-mode': ['exp', 'linear'],
    'smooth-f': 'number', 'diverge-th': 'number', seeds: 'counts', json: null, csv: null, ...PLOT } },
  list: { args: [0, 1], flags: { json: null } },
};
const GLOBAL = { help: null, version: null };
const KINDS = new Map([...Object.values(COMMANDS).flatMap((c) => Object.entries(c.flags)), ...Object.entries(GLOBAL)]);

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const WHOLE = /^\d+$/;
const METRIC = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]?Infinity)$/;
const quote = (v) => `'${String(v).slice(0, 60)}${String(v).length > 60 ? '...' : ''}'`;

function flagValue(name, kind, raw) {
  const bad = (what) => { throw new UsageError(`--${name} must be ${what}, got ${quote(raw)}`); };
  const list = (re, what) => {
    const items = raw.split(',');
    items.forEach((v, i) => { if (!re.test(v.trim())) bad(`${what} separated by commas (item ${i + 1} is ${quote(v)})`); });
    return items.map((v) => Number(v.trim()));
  };
  if (Array.isArray(kind)) return kind.includes(raw) ? raw : bad(`one of ${kind.join(', ')}`);
  switch (kind) {
    case 'count': return WHOLE.test(raw) ? Number(raw) : bad('a whole number written in decimal digits');
    case 'number': {
      const v = Number(raw);
      return DECIMAL.test(raw) && Number.isFinite(v) ? v : bad('a finite decimal number (like 0.001 or 1e-3)');
    }
    case 'numbers': return list(DECIMAL, 'decimal numbers');
    // NaN and infinities are metrics PyTorch's ReduceLROnPlateau counts as bad epochs
    case 'metrics': return list(METRIC, 'decimal numbers (or NaN, Infinity, -Infinity)');
    case 'counts': return list(WHOLE, 'whole numbers');
    default: return raw;
  }
}

// argv -> { pos, flags (an object without a prototype) }; every flag is checked against the command's list.
function parseArgs(argv) {
  const pos = [];
  const given = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h') { given.push(['help', null]); continue; }
    if (!a.startsWith('--') || a === '--') {
      if (/^-[A-Za-z]/.test(a)) throw new UsageError(`unknown flag ${quote(a)}; flags are written --name (steplab --help)`);
      pos.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!KINDS.has(name)) throw new UsageError(`unknown flag ${quote(`--${name}`)} (steplab --help lists each command's flags)`);
    const kind = KINDS.get(name);
    let raw = eq < 0 ? undefined : a.slice(eq + 1);
    if (kind === null) {
      if (raw !== undefined) throw new UsageError(`--${name} takes no value, got ${quote(raw)}`);
    } else if (raw === undefined) {
      raw = argv[i + 1];
      if (raw === undefined || raw.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      i++;
    }
    if (raw === '') throw new UsageError(`--${name} needs a value, got an empty one`);
    given.push([name, kind === null ? null : raw]);
  }
  const flags = Object.create(null);
  const cmd = pos[0];
  const spec = cmd !== undefined && Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : null;
  for (const [name, raw] of given) {
    if (name in flags) throw new UsageError(`--${name} is given twice`);
    if (!Object.hasOwn(GLOBAL, name) && spec && !Object.hasOwn(spec.flags, name)) {
      throw new UsageError(`${cmd} does not take --${name} (its flags: ${Object.keys(spec.flags).map((f) => `--${f}`).join(', ')})`);
    }
    flags[name] = raw === null ? true : flagValue(name, KINDS.get(name), raw);
  }
  if (spec && !flags.help) {
    const [lo, hi] = spec.args;
    const n = pos.length - 1;
    if (n > hi) throw new UsageError(`${cmd} takes ${hi === lo ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, got an extra one: ${quote(pos[hi + 1])}`);
  }
  return { pos, flags };
}

const REASONS = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'it is a directory', ENOTDIR: 'a part of the path is not a directory',
  EROFS: 'the file system is read-only', ENOSPC: 'no space left on the device', EPERM: 'operation not permitted' };
const reason = (e) => (Object.hasOwn(REASONS, e.code) ? `${REASONS[e.code]} (${e.code})` : e.code || e.message);

function readJson(text, what) {
  if (text === undefined) throw new UsageError(`${what} is missing; see steplab --help`);
  const src = text.startsWith('@') ? readFile(text.slice(1), what) : text;
  try {
    return JSON.parse(src);
  } catch (e) {
    throw new UsageError(`${what} is not valid JSON: ${e.message}`);
  }
}

function readFile(path, what) {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${what}: cannot read ${quote(path)}: ${reason(e)}`);
  }
}

// --out is opened (created if need be) before any work, so a run never ends unable to write;
// returns the clean-up for a run that then writes nothing (the file is removed if it was created).
function checkWritable(file) {
  const existed = fs.existsSync(file);
  try {
    fs.closeSync(fs.openSync(file, 'a'));
  } catch (e) {
    throw new UsageError(`--out: cannot write ${quote(file)}: ${reason(e)}`);
  }
  return () => { if (!existed) fs.rmSync(file, { force: true }); };
}

// A terminal line plot: one column per step bucket, min..max per column.
// x: the labels of the first and last column and the axis name; marks: [{ at (0..1 across), ch }]
// are drawn on a line under the axis.
export function textPlot(values, { width = 72, height = 16, title = '', x = null, marks = [] } = {}) {
  const n = values.length;
  if (!n) return '(no values)\n';
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (hi === lo) { hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1); }
  const cols = Math.min(width, n);
  const grid = Array.from({ length: height }, () => Array(cols).fill(' '));
  for (let c = 0; c < cols; c++) {
    const a = Math.floor((c * n) / cols), b = Math.max(a + 1, Math.floor(((c + 1) * n) / cols));
    let mn = Infinity, mx = -Infinity;
    for (let i = a; i < b; i++) { mn = Math.min(mn, values[i]); mx = Math.max(mx, values[i]); }
    const r0 = Math.round(((hi - mx) / (hi - lo)) * (height - 1));
    const r1 = Math.round(((hi - mn) / (hi - lo)) * (height - 1));
    for (let r = r0; r <= r1; r++) grid[r][c] = '•';
  }
  const label = (v) => String(+v.toPrecision(4)).padStart(10);
  const lines = grid.map((row, r) => `${r === 0 ? label(hi) : r === height - 1 ? label(lo) : ' '.repeat(10)} │${row.join('')}`);
  lines.push(`${' '.repeat(10)} └${'─'.repeat(cols)}`);
  const [left, right, name] = x || ['0', String(n - 1), 'step'];
  lines.push(`${' '.repeat(12)}${left}${' '.repeat(Math.max(cols - left.length - right.length, 1))}${right}  (${name})`);
  if (marks.length) {
    const row = Array(cols).fill(' ');
    for (const m of marks) row[Math.min(cols - 1, Math.max(0, Math.round(m.at * (cols - 1))))] = m.ch;
    lines.push(`${' '.repeat(12)}${row.join('').trimEnd()}`);
  }
  return (title ? `${title}\n` : '') + lines.join('\n') + '\n';
}

// --width / --height of a terminal plot, checked.
function plotSize(flags) {
  const size = {};
  for (const [k, lo, hi] of [['width', 8, 1000], ['height', 4, 200]]) {
    if (flags[k] === undefined) continue;
    if (flags[k] < lo || flags[k] > hi) throw new UsageError(`--${k} must be in [${lo}, ${hi}], got ${flags[k]}`);
    size[k] = flags[k];
  }
  return size;
}

// A trainer config: inline JSON, @file or a file path.
function readConfig(text) {
  if (text === undefined) throw new UsageError('the trainer config is missing; see steplab --help');
  const t = text.trim();
  return readJson(t.startsWith('{') || t.startsWith('@') ? t : `@${t}`, 'the trainer config');
}

const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v));
const clock = (s) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(1)}s`);
const SCALARS = ['loss', 'accuracy', 'f1', 'auroc', 'mse', 'mae'];

// Progress of a training run on stderr: a redrawn bar with ETA on a terminal, one plain line per
// epoch otherwise (logs, CI, pipes).
function progress(err, tty, total) {
  const t0 = performance.now();
  let drawn = 0;
  let shown = 0;
  return {
    update(run, force = false) {
      const now = performance.now();
      const el = (now - t0) / 1000;
      const h = run.history.epochs;
      const n = h.train_loss.length;
      if (tty) {
        if (!force && now - drawn < 80) return;
        drawn = now;
        const done = run.steps_done;
        const f = Math.min(1, done / total);
        const eta = done > 0 && f < 1 ? clock((el * (total - done)) / done) : '0.0s';
        const w = 24;
        const bar = '█'.repeat(Math.round(f * w)) + '░'.repeat(w - Math.round(f * w));
        const loss = n ? `  val_loss ${fmt(h.val_loss[n - 1])}` : '';
        err(`\r${bar} ${String(Math.round(f * 100)).padStart(3)}%  epoch ${run.epochs_done}  step ${done}/${total}${loss}  ETA ${eta}\x1b[K`);
      } else {
        for (; shown < n; shown++) {
          const cols = Object.keys(h).filter((k) => k !== 'lr').map((k) => `${k} ${fmt(h[k][shown])}`);
          err(`epoch ${shown + 1}  ${cols.join('  ')}  lr ${fmt(h.lr[shown])}  (${clock(el)})\n`);
        }
      }
    },
    end() { if (tty) err('\r\x1b[K'); },
  };
}

const historyCsv = (h) => {
  const keys = Object.keys(h);
  const rows = Array.from(h.train_loss, (_, e) => [e + 1, ...keys.map((k) => h[k][e])].join(','));
  return ['epoch,' + keys.join(','), ...rows].join('\n') + '\n';
};
const plainHistory = (h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.from(v)]));

// Trains in chunks of steps, handing the event loop a turn every ~25 ms so that Ctrl-C (SIGINT)
// is heard: the run then stops, and the epochs done so far are written as a normal run writes
// them (to --out, else to stdout) before exiting with 130. A second Ctrl-C exits at once.
async function train(lab, config, flags, out, err) {
  const run = lab.createTrainer(config);
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  try {
    const epochs = config.epochs ?? 10;
    const total = epochs * run.steps_per_epoch;
    const tty = Boolean(process.stderr.isTTY);
    const p = flags.quiet ? null : progress(err, tty, total);
    const t0 = performance.now();
    const chunk = Math.max(1, Math.ceil(run.steps_per_epoch / 10));
    let turn = t0;
    // a run whose loss or outputs stop being finite ends with status 'diverged': a result, not bad input
    while (!run.done && !interrupted) {
      run.step(chunk);
      p?.update(run);
      if (performance.now() - turn > 25) {
        await new Promise((resolve) => setImmediate(resolve));
        turn = performance.now();
      }
    }
    p?.update(run, true);
    p?.end();
    const seconds = (performance.now() - t0) / 1000;
    const h = run.history.epochs;
    const n = h.train_loss.length;
    const write = () => {
      try {
        fs.writeFileSync(flags.out, historyCsv(h));
      } catch (e) {
        throw new UsageError(`--out: cannot write ${quote(flags.out)}: ${reason(e)}`);
      }
    };
    const summary = { status: interrupted ? 'interrupted' : run.status, epochs_done: run.epochs_done, steps_done: run.steps_done, seconds, diverged: run.diverged };
    if (interrupted) {
      if (flags.out) write();
      else if (flags.json) out(JSON.stringify({ ...summary, history: { epochs: plainHistory(h) } }) + '\n');
      else out(historyCsv(h));
      const where = flags.out ? `to ${quote(flags.out)}` : 'to stdout';
      err(`steplab: interrupted at step ${run.steps_done} of ${total}; the history of the ${n} complete epoch${n === 1 ? '' : 's'} was written ${where}\n`);
      return 130;
    }
    const metrics = {};
    if (!run.diverged) {
      metrics.train = run.evaluate('train');
      const val = run.evaluate('val');
      if (Number.isFinite(val.loss)) metrics.val = val;
    }
    if (flags.out) write();
    if (flags.json) {
      out(JSON.stringify({ ...summary, history: { epochs: plainHistory(h) }, metrics }) + '\n');
      return 0;
    }
    const why = run.diverged ? ` (the loss or the model's outputs stopped being finite at step ${run.diverged.step})` : '';
    out(`${summary.status}${why}: ${run.epochs_done} epochs, ${run.steps_done} steps in ${clock(seconds)}\n`);
    for (const [split, m] of Object.entries(metrics)) {
      out(`${split.padEnd(6)}${SCALARS.filter((k) => m[k] !== undefined).map((k) => `${k} ${fmt(m[k])}`).join('  ')}\n`);
    }
    if (flags.out) out(`history (${n} epochs) written to ${flags.out}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    run.dispose();
  }
}

const RULES = ['valley', 'steep', 'minimum', 'slide'];
const MARK = { valley: 'V', steep: 'S', minimum: 'M', slide: 'L' };

function lrFind(lab, config, flags, out) {
  const options = {
    start_lr: flags['start-lr'], end_lr: flags['end-lr'], num_iter: flags['num-iter'], smooth_f: flags['smooth-f'],
    diverge_th: flags['diverge-th'], step_mode: flags['step-mode'], seeds: flags.seeds,
  };
  for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];
  const r = lab.lrFind(config, options);
  const n = r.lrs.length;
  if (flags.json) {
    const plain = (c) => ({ lrs: Array.from(c.lrs), losses: Array.from(c.losses), smoothed: Array.from(c.smoothed), suggestions: c.suggestions, stopped: c.stopped });
    out(JSON.stringify({ ...plain(r), ...(r.runs ? { runs: r.runs.map((c) => ({ seed: c.seed, ...plain(c) })), spread: r.spread } : {}) }) + '\n');
    return 0;
  }
  if (flags.csv) {
    const runs = r.runs || [{ seed: config.seed ?? 0, ...r }];
    const rows = runs.flatMap((c) => Array.from(c.lrs, (lr, i) => `${c.seed},${i},${lr},${c.losses[i]},${c.smoothed[i]}`));
    out(['seed,step,lr,loss,smoothed', ...rows].join('\n') + '\n');
    return 0;
  }
  const e = (v) => (v === null ? '-' : v.toExponential(2));
  const head = `${config.optimizer?.type} on ${config.dataset?.name ?? 'the given data'}: ${n} steps from ${e(r.lrs[0])} to ${e(r.lrs[n - 1])}` +
    ` (${options.step_mode ?? 'exp'}), stopped: ${r.stopped === 'diverged' ? 'the loss diverged' : 'num_iter reached'}`;
  const lines = [head];
  if (flags.plot) {
    // the range the rules read (fast.ai's plot leaves out the same ends); columns follow the steps
    let a = Math.floor((options.num_iter ?? 100) / 10);
    let b = n - 5;
    if (b - a < 2) [a, b] = [0, n];
    const lrs = r.lrs.subarray(a, b);
    const at = (v) => Math.max(0, lrs.findIndex((lr) => lr >= v)) / Math.max(1, lrs.length - 1);
    const marks = RULES.filter((k) => r.suggestions[k] !== null).reverse().map((k) => ({ at: r.suggestions[k] > lrs.at(-1) ? 1 : at(r.suggestions[k]), ch: MARK[k] }));
    const axis = (options.step_mode ?? 'exp') === 'exp' ? 'lr, log scale' : 'lr';
    lines.push(textPlot(r.smoothed.subarray(a, b), { ...plotSize(flags), title: `smoothed loss vs learning rate (steps ${a}..${b - 1})`, x: [e(lrs[0]), e(lrs.at(-1)), axis], marks }).trimEnd());
  }
  lines.push("suggestions (fast.ai's rules on the smoothed loss; valley is fast.ai's default):");
  for (const k of RULES) {
    const sp = r.spread?.[k];
    const spread = sp ? `   seeds: min ${e(sp.min)}  median ${e(sp.median)}  max ${e(sp.max)}` : '';
    lines.push(`  ${flags.plot ? MARK[k] + ' ' : ''}${k.padEnd(8)} ${e(r.suggestions[k]).padStart(9)}${spread}`);
  }
  out(lines.join('\n') + '\n');
  return 0;
}

async function main(argv, out, err) {
  // lessons have their own options and module (web/lesson/command.mjs, bundled as dist/steplab-lessons.mjs)
  if (argv[0] === 'lesson') return (await import('../dist/steplab-lessons.mjs')).lessonCommand(argv.slice(1), { loadSteplab, out, err });
  const { pos, flags } = parseArgs(argv);
  if (flags.version) { out(`${JSON.parse(readFile(new URL('../package.json', import.meta.url).pathname, 'package.json')).version}\n`); return 0; }
  if (flags.help || pos.length === 0) { out(HELP); return pos.length === 0 && !flags.help ? 2 : 0; }
  const [cmd, ...args] = pos;
  if (!Object.hasOwn(COMMANDS, cmd)) throw new UsageError(`unknown command ${quote(cmd)}; commands are ${Object.keys(COMMANDS).join(', ')}, lesson (steplab --help)`);
  if ((flags.width || flags.height) && !flags.plot) throw new UsageError(`--${flags.width ? 'width' : 'height'} applies only with --plot`);
  const discardOut = cmd === 'train' && flags.out ? checkWritable(flags.out) : null;
  const digits = cmd === 'train' || cmd === 'lr-find' ? fs.readFileSync(new URL('../dist/steplab-digits.bin.gz', import.meta.url)) : undefined;
  const lab = await loadSteplab({ digits });
  switch (cmd) {
    case 'schedule': {
      const spec = readJson(args[0], 'the scheduler spec');
      const steps = flags.steps ?? 100;
      const metrics = flags.metrics;
      let lr;
      try {
        lr = lab.schedule(spec, steps, metrics ? { metrics } : {});
      } catch (e) {
        // a schedule that ends (OneCycleLR's total_steps) run past its end by the default length: say where the 100 came from
        if (flags.steps === undefined && e instanceof SteplabError && e.code === 'range' && e.field && lab.registry.schedulers.find((r) => r.name === e.thing)?.length_param === e.field) {
          e.message += `; steplab schedule computes ${steps} values unless --steps N says how many`;
        }
        throw e;
      }
      if (flags.json) out(JSON.stringify({ spec, steps, lr: Array.from(lr) }) + '\n');
      else if (flags.plot) out(textPlot(lr, { ...plotSize(flags), title: `${spec.type}: learning rate over ${steps} steps` }));
      else if (flags.csv) out('step,lr\n' + Array.from(lr, (v, k) => `${k},${v}`).join('\n') + '\n');
      else out(Array.from(lr, (v) => String(v)).join('\n') + '\n');
      return 0;
    }
    case 'trace': {
      const o = readJson(args[0], 'the trace options');
      const t = lab.trace(o);
      const n = t.x.length;
      const note = t.diverged ? `diverged at step ${t.stopped_at}` : `${n - 1} steps`;
      if (flags.json) {
        out(JSON.stringify({ x: Array.from(t.x), y: Array.from(t.y), loss: Array.from(t.loss), lr: Array.from(t.lr),
          grad_norm: Array.from(t.grad_norm), evals: Array.from(t.evals), diverged: t.diverged, stopped_at: t.stopped_at }) + '\n');
      } else if (flags.plot) {
        out(textPlot(t.loss, { ...plotSize(flags), title: `${o.optimizer?.type} on ${o.fn}: loss per step (${note})` }));
      } else {
        const rows = Array.from({ length: n }, (_, k) => `${k},${t.x[k]},${t.y[k]},${t.loss[k]},${t.lr[k]}`);
        out((flags.csv ? 'step,x,y,loss,lr\n' : '') + rows.join('\n') + '\n');
        if (t.diverged) err(`steplab: ${o.optimizer?.type} ${note}; the last finite point is step ${n - 1}\n`);
      }
      return 0;
    }
    case 'loss': {
      const spec = readJson(args[0], 'the loss spec');
      const input = readJson(args[1], 'the input');
      const target = args[2] === undefined ? undefined : readJson(args[2], 'the target');
      const r = lab.loss(spec, input, target);
      const plain = (v) => (ArrayBuffer.isView(v) ? Array.from(v) : Array.isArray(v) ? v.map(plain) : v);
      if (flags.json) out(JSON.stringify({ value: plain(r.value), grad: plain(r.grad) }) + '\n');
      else out(`value ${JSON.stringify(plain(r.value))}\ngrad  ${JSON.stringify(plain(r.grad))}\n`);
      return 0;
    }
    case 'list': {
      const family = args[0] ?? 'schedulers';
      const families = Object.keys(lab.registry).filter((f) => Array.isArray(lab.registry[f])); // not the trainer's layouts
      // Object.hasOwn, not lab.registry[family]: 'constructor' or '__proto__' must not find Object's
      if (!Object.hasOwn(lab.registry, family) || !families.includes(family)) throw new UsageError(`list: unknown family ${quote(family)}; the families are ${families.join(', ')}`);
      const reg = lab.registry[family];
      out(flags.json ? JSON.stringify(reg, null, 2) + '\n' : reg.map((k) => `${k.name.padEnd(28)} ${k.summary}`).join('\n') + '\n');
      return 0;
    }
    case 'train':
      try {
        return await train(lab, readConfig(args[0]), flags, out, err);
      } catch (e) {
        discardOut?.();
        throw e;
      }
    case 'lr-find':
      return lrFind(lab, readConfig(args[0]), flags, out);
  }
  return 2;
}

export async function run(argv, out = (s) => process.stdout.write(s), err = (s) => process.stderr.write(s)) {
  try {
    return await main(argv, out, err);
  } catch (e) {
    if (e instanceof SteplabError || e instanceof UsageError) {
      err(`steplab: ${e.message}\n`);
      return 2;
    }
    err(`steplab: internal error: ${e.stack || e}\n`);
    return 1;
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(new URL(import.meta.url).pathname)) {
  process.exitCode = await run(process.argv.slice(2));
}
