#!/usr/bin/env node
// steplab's command line: the same core as the page, for graders, figures and CI.
// Exit codes: 0 success, 2 bad input (message on stderr, naming the field), 1 anything else.
import fs from 'node:fs';
import { loadSteplab, SteplabError } from '../dist/steplab.mjs';

const HELP = `steplab: learning-rate schedules and losses at PyTorch parity, from the terminal

Usage:
  steplab schedule '<json spec>' [--steps N] [--metrics a,b,...] [--csv | --json | --plot]
      Learning rate after k calls of scheduler.step(), k = 0..N-1 (default N = 100).
      The spec uses torch.optim.lr_scheduler's names; "lr" is the optimizer's initial rate.
  steplab trace '<json>' [--csv | --json | --plot]
      One optimizer on a 2-D surface: {"fn", "start": [x, y], "optimizer": {...}, "steps", "noise"?, "seed"?}.
      Prints step, x, y, loss, lr per line; stops at divergence and says so.
  steplab loss '<json spec>' '<json input>' '<json target>' [--json]
      A loss and its gradient, as torch.nn computes them.
  steplab list [schedulers | losses]
      The names (and with --json, the parameters) the core knows.
  steplab --help | --version

A spec argument can also be @file.json. Output goes to stdout; errors to stderr.

Examples:
  steplab schedule '{"type":"OneCycleLR","max_lr":0.1,"total_steps":100}' --steps 100 --plot
  steplab schedule '{"type":"StepLR","lr":0.1,"step_size":30,"gamma":0.1}' --steps 90 --csv > lr.csv
  steplab schedule '{"type":"ReduceLROnPlateau","patience":1}' --steps 5 --metrics 1,1,1,1
  steplab trace '{"fn":"rosenbrock","start":[-1.5,2],"optimizer":{"type":"Adam","lr":0.05},"steps":300}' --plot
  steplab loss '{"type":"HuberLoss","delta":5}' '[98,153,199,182,140]' '[100,150,200,180,120]'
`;

class UsageError extends Error {}

function parseArgs(argv) {
  const pos = [];
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2);
      if (['steps', 'metrics', 'width', 'height'].includes(k)) {
        const val = v ?? argv[++i];
        if (val === undefined) throw new UsageError(`--${k} needs a value`);
        flags[k] = val;
      } else {
        flags[k] = true;
      }
    } else {
      pos.push(a);
    }
  }
  return { pos, flags };
}

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
    throw new UsageError(`${what}: cannot read ${path}: ${e.code || e.message}`);
  }
}

// A terminal line plot: one column per step bucket, min..max per column.
export function textPlot(values, { width = 72, height = 16, title = '' } = {}) {
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
  lines.push(`${' '.repeat(12)}0${' '.repeat(Math.max(cols - String(n - 1).length - 1, 1))}${n - 1}  (step)`);
  return (title ? `${title}\n` : '') + lines.join('\n') + '\n';
}

async function main(argv, out, err) {
  const { pos, flags } = parseArgs(argv);
  if (flags.version) { out(`${JSON.parse(readFile(new URL('../package.json', import.meta.url).pathname, 'package.json')).version}\n`); return 0; }
  if (flags.help || pos.length === 0) { out(HELP); return pos.length === 0 && !flags.help ? 2 : 0; }
  const lab = await loadSteplab();
  const [cmd, ...args] = pos;
  switch (cmd) {
    case 'schedule': {
      const spec = readJson(args[0], 'the scheduler spec');
      const steps = flags.steps === undefined ? 100 : Number(flags.steps);
      const metrics = flags.metrics === undefined ? undefined : String(flags.metrics).split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
      const lr = lab.schedule(spec, steps, metrics ? { metrics } : {});
      if (flags.json) out(JSON.stringify({ spec, steps, lr: Array.from(lr) }) + '\n');
      else if (flags.plot) out(textPlot(lr, { title: `${spec.type}: learning rate over ${steps} steps` }));
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
        out(textPlot(t.loss, { title: `${o.optimizer?.type} on ${o.fn}: loss per step (${note})` }));
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
      const family = args[0] || 'schedulers';
      const reg = lab.registry[family];
      if (!reg) throw new UsageError(`list: family must be one of ${Object.keys(lab.registry).join(', ')}, got '${family}'`);
      out(flags.json ? JSON.stringify(reg, null, 2) + '\n' : reg.map((k) => `${k.name.padEnd(28)} ${k.summary}`).join('\n') + '\n');
      return 0;
    }
    default:
      throw new UsageError(`unknown command '${cmd}'; commands are schedule, trace, loss, list (steplab --help)`);
  }
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
