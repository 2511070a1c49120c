// A node:test reporter that adds up each test file's time and prints the files, slowest first, when the
// run ends: npm test's budget (issue 14: under 8 minutes on a fresh 2-core machine) is spent file by
// file, and this says where. tests/run.mjs adds it beside the spec reporter.
import path from 'node:path';

export default async function* timing(source) {
  const files = new Map();
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
      const f = path.relative(process.cwd(), event.data.file);
      files.set(f, (files.get(f) ?? 0) + (event.data.details?.duration_ms ?? 0));
    }
  }
  const rows = [...files].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((s, [, ms]) => s + ms, 0);
  yield `\n# time per file (sum of its top-level tests), ${(total / 1000).toFixed(0)} s in all\n`;
  for (const [f, ms] of rows) yield `#   ${(ms / 1000).toFixed(1).padStart(7)} s  ${f}\n`;
}
