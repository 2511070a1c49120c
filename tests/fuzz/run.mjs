// Runs every libFuzzer target (built by `bash build.sh --test` into dist/fuzz/)
// for a given time on a copy of its seed corpus. `npm run fuzz -- 600` runs each
// for 10 minutes; crashes are written to dist/fuzz/findings/.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(here, '../../dist/fuzz');

// every tests/fuzz/fuzz_*.c (the Makefile builds each), seeded from tests/fuzz/corpus/<name without fuzz_>/
export const TARGETS = fs.readdirSync(here).filter((f) => /^fuzz_\w+\.c$/.test(f)).map((f) => f.slice(0, -2)).sort();

// Runs one target for `seconds` on a copy of its seed corpus; resolves to { ok, runs, status, tail }.
export function runTarget(name, seconds) {
  const corpus = fs.mkdtempSync(path.join(os.tmpdir(), `steplab-${name}-`));
  const seeds = path.join(here, 'corpus', name.replace(/^fuzz_/, ''));
  for (const f of fs.existsSync(seeds) ? fs.readdirSync(seeds) : []) fs.copyFileSync(path.join(seeds, f), path.join(corpus, f));
  const findings = path.join(dist, 'findings');
  fs.mkdirSync(findings, { recursive: true });
  const child = spawn(path.join(dist, name), [`-max_total_time=${seconds}`, '-timeout=10', '-rss_limit_mb=2048',
    `-artifact_prefix=${findings}/${name}-`, '-print_final_stats=1', corpus]);
  let out = '';
  child.stdout.on('data', (d) => { out = (out + d).slice(-1 << 20); });
  child.stderr.on('data', (d) => { out = (out + d).slice(-1 << 20); });
  return new Promise((resolve) => child.on('close', (status) => {
    fs.rmSync(corpus, { recursive: true, force: true });
    const runs = /Done (\d+) runs/.exec(out);
    resolve({ ok: status === 0 && !!runs, runs: runs ? Number(runs[1]) : 0, status, tail: out.split('\n').slice(-40).join('\n') });
  }));
}

// Every target, as many at a time as there are cores; resolves to { name: result }.
export async function runAll(seconds, jobs = os.availableParallelism()) {
  const results = {};
  const queue = [...TARGETS];
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, async () => {
    for (let t = queue.shift(); t; t = queue.shift()) results[t] = await runTarget(t, seconds);
  }));
  return results;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const seconds = Number(process.argv[2] || 60);
  const results = await runAll(seconds);
  let failed = 0;
  for (const [t, r] of Object.entries(results)) {
    console.log(`${t}: ${r.ok ? 'ok' : 'FAILED'} (${r.runs} runs in ${seconds} s)`);
    if (!r.ok) { failed++; console.log(r.tail); }
  }
  process.exit(failed ? 1 : 0);
}
