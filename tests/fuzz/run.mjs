// Runs every libFuzzer target (built by `bash build.sh --test` into dist/fuzz/)
// for a given time on a copy of its seed corpus. `npm run fuzz -- 600` runs each
// for 10 minutes; crashes are written to dist/fuzz/findings/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(here, '../../dist/fuzz');

export const TARGETS = ['fuzz_scheduler_spec', 'fuzz_formula', 'fuzz_scheduler_state', 'fuzz_loss_spec', 'fuzz_optimizer_spec', 'fuzz_optimizer_state', 'fuzz_trace', 'fuzz_dataset_spec', 'fuzz_mlp_spec', 'fuzz_trainer_spec', 'fuzz_csv'];

export function runTarget(name, seconds) {
  const corpus = fs.mkdtempSync(path.join(os.tmpdir(), `steplab-${name}-`));
  const seeds = path.join(here, 'corpus', name.replace(/^fuzz_/, ''));
  for (const f of fs.readdirSync(seeds)) fs.copyFileSync(path.join(seeds, f), path.join(corpus, f));
  const findings = path.join(dist, 'findings');
  fs.mkdirSync(findings, { recursive: true });
  const r = spawnSync(path.join(dist, name), [`-max_total_time=${seconds}`, '-timeout=10', '-rss_limit_mb=2048',
    `-artifact_prefix=${findings}/${name}-`, '-print_final_stats=1', corpus], { encoding: 'utf8', maxBuffer: 64 << 20 });
  fs.rmSync(corpus, { recursive: true, force: true });
  const out = `${r.stdout}${r.stderr}`;
  const runs = /Done (\d+) runs/.exec(out);
  return { ok: r.status === 0 && !!runs, runs: runs ? Number(runs[1]) : 0, status: r.status, tail: out.split('\n').slice(-40).join('\n') };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const seconds = Number(process.argv[2] || 60);
  let failed = 0;
  for (const t of TARGETS) {
    const r = runTarget(t, seconds);
    console.log(`${t}: ${r.ok ? 'ok' : 'FAILED'} (${r.runs} runs in ${seconds} s)`);
    if (!r.ok) { failed++; console.log(r.tail); }
  }
  process.exit(failed ? 1 : 0);
}
