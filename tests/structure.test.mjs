// The layering rules of the README's contributor section, checked on the sources: no file in c/ or
// web/ over 500 lines, no parameter read by position in C (grep 'p\[[0-9]' finds nothing), no
// #include circle, no module's private header included from another folder, no component
// importing a room.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const walk = (dir) => fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
  const rel = path.join(dir, e.name);
  if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'vendor' ? [] : walk(rel);
  return [rel];
});
const sources = (dir, exts) => walk(dir).filter((f) => exts.some((x) => f.endsWith(x)));
const read = (f) => fs.readFileSync(path.join(root, f), 'utf8');
const C = sources('c', ['.c', '.h']);

test('no source file in c/ or web/ is over 500 lines', () => {
  const files = [...C, ...sources('web', ['.js', '.mjs', '.css', '.html'])];
  assert.ok(files.length > 100, `found only ${files.length} files`);
  const long = files.map((f) => [f, read(f).split('\n').length - 1]).filter(([, n]) => n > 500);
  assert.deepEqual(long, []);
});

test("no positional parameter read in C: grep 'p\\[[0-9]' c/ finds nothing", () => {
  const hits = C.flatMap((f) => read(f).split('\n').map((l, i) => [f, i + 1, l]).filter(([, , l]) => /p\[[0-9]/.test(l)));
  assert.deepEqual(hits.map(([f, n, l]) => `${f}:${n}: ${l.trim()}`), []);
});

// the #include "..." graph of c/, each name resolved against its file's folder
const includes = new Map(C.map((f) => [f, [...read(f).matchAll(/^#include "([^"]+)"/gm)].map((m) => path.normalize(path.join(path.dirname(f), m[1])))]));

test('every #include "..." in c/ names a file that exists, and no header includes itself through others', () => {
  for (const [f, deps] of includes) for (const d of deps) assert.ok(includes.has(d), `${f} includes ${d}, which is not in c/`);
  const state = new Map(); // 1 on the path, 2 done
  const visit = (f, trail) => {
    if (state.get(f) === 2) return;
    assert.notEqual(state.get(f), 1, `include circle: ${[...trail, f].join(' -> ')}`);
    state.set(f, 1);
    for (const d of includes.get(f) || []) visit(d, [...trail, f]);
    state.set(f, 2);
  };
  for (const f of includes.keys()) visit(f, []);
});

test("a module's private header (internal.h, *_internal.h) is included only from its own folder", () => {
  const bad = [];
  for (const [f, deps] of includes)
    for (const d of deps) if (/(^|_)internal\.h$/.test(path.basename(d)) && path.dirname(d) !== path.dirname(f)) bad.push(`${f} includes ${d}`);
  assert.deepEqual(bad, []);
});

test('components and shared page code never import a room', () => {
  const files = [...sources('web/components', ['.js', '.mjs']), ...sources('web/shared', ['.js', '.mjs'])];
  assert.ok(files.length > 5, `found only ${files.length} files`);
  const bad = files.flatMap((f) => [...read(f).matchAll(/(?:import|from)\s*\(?\s*['"]([^'"]+)['"]/g)]
    .map((m) => path.normalize(path.join(path.dirname(f), m[1])))
    .filter((t) => t.startsWith(path.join('web', 'app', 'rooms')))
    .map((t) => `${f} imports ${t}`));
  assert.deepEqual(bad, []);
});
