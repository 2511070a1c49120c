// Lint: the page and the embeds never turn data into code or HTML. innerHTML
// is allowed only for the project's own constants, marked on the same line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const web = new URL('../web/', import.meta.url).pathname;

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? files(p) : /\.(m?js)$/.test(d.name) ? [p] : [];
  });
}

test('no eval, new Function, document.write or string timers; innerHTML only for marked constants', () => {
  const banned = [/\beval\s*\(/, /\bnew\s+Function\s*\(/, /document\.write/, /insertAdjacentHTML/, /outerHTML\s*=/,
    /setTimeout\s*\(\s*['"`]/, /setInterval\s*\(\s*['"`]/];
  const problems = [];
  const checked = files(web);
  for (const f of checked) {
    fs.readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      for (const re of banned) if (re.test(code)) problems.push(`${path.relative(web, f)}:${i + 1}: ${line.trim()}`);
      if (/\.innerHTML\s*=/.test(code) && !/the project's own MathML constants/.test(line)) {
        problems.push(`${path.relative(web, f)}:${i + 1}: innerHTML without the constants marker: ${line.trim()}`);
      }
    });
  }
  assert.ok(checked.length > 10, 'the lint saw the sources');
  assert.deepEqual(problems, []);
});
