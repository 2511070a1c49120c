// What a Node user of the package gets: `import('steplab')` resolves to the unminified
// dist/steplab.node.mjs, whose uncaught errors are short and name real functions, and the
// digits are found beside the module without passing bytes; lab.loadDataset reads, fetches or
// takes them, and says what to do when it cannot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { loadSteplab, SteplabError } from '../dist/steplab.node.mjs';
import { digitsBytes } from './helpers.mjs';
import { startServer } from '../web/serve.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = (f) => path.join(root, 'dist', f);
let project;
let alone;

before(() => {
  // a project that depends on steplab, as `npm i <this folder>` makes it: a link in node_modules
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-user-'));
  fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "t", "version": "1.0.0" }\n');
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.symlinkSync(root, path.join(project, 'node_modules/steplab'));
  // the module copied on its own, without the digits file beside it
  alone = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-alone-'));
  fs.copyFileSync(dist('steplab.node.mjs'), path.join(alone, 'steplab.mjs'));
});
after(() => {
  for (const d of [project, alone]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

const nodeIn = (cwd, args) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });

test('an uncaught SteplabError in Node prints under 1 KB, naming the error, the field and real functions', () => {
  const r = nodeIn(project, ['-e', "import('steplab').then(async m => (await m.loadSteplab()).schedule({type:'StepLR'}, 3))"]);
  assert.notEqual(r.status, 0);
  const bytes = Buffer.byteLength(r.stderr);
  assert.ok(bytes < 1024, `${bytes} bytes on stderr:\n${r.stderr.slice(0, 2000)}`);
  assert.match(r.stderr, /SteplabError: StepLR: step_size is required/);
  assert.match(r.stderr, /field: 'step_size'/);
  assert.match(r.stderr, /at Core\.check \(.*steplab\.node\.mjs:\d+:\d+\)/);
  assert.match(r.stderr, /at lab\.schedule /);
});

test('Node resolves the package to the readable build, other environments to the minified one', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(pkg.exports['.']), ['types', 'node', 'default']);
  assert.ok(pkg.files.includes('dist/steplab.node.mjs'));
  const r = nodeIn(project, ['--input-type=module', '-e', "console.log(import.meta.resolve('steplab'))"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(fs.realpathSync(new URL(r.stdout.trim())), fs.realpathSync(dist('steplab.node.mjs')));
  assert.match(fs.readFileSync(dist('MANIFEST.sha256'), 'utf8'), / steplab\.node\.mjs\n/);
  // the embedded core is one line of its own, far from any code a stack trace prints
  const lines = fs.readFileSync(dist('steplab.node.mjs'), 'utf8').split('\n');
  const long = lines.filter((l) => l.length > 500);
  assert.equal(long.length, 1, `${long.length} long lines`);
  assert.match(long[0], /^var \w+ = "[^"]+";$/);
});

test('in Node the digits are found beside the module: a trainer on digits without passing bytes', async () => {
  const lab = await loadSteplab();
  const run = lab.createTrainer({ dataset: { name: 'digits', seed: 0, val_fraction: 0.2 }, model: { hidden: [16] },
    loss: { type: 'CrossEntropyLoss' }, optimizer: { type: 'Adam', lr: 0.01 }, batch_size: 64, epochs: 2 });
  run.fit();
  assert.equal(run.status, 'done');
  assert.ok(run.evaluate('val').accuracy > 0.8, `accuracy ${run.evaluate('val').accuracy}`);
  run.dispose();
  const given = await loadSteplab({ digits: digitsBytes });
  assert.deepEqual(lab.dataset({ name: 'digits', seed: 1 }), given.dataset({ name: 'digits', seed: 1 }));
  await lab.loadDataset('digits'); // already there: nothing to read
});

test('a module copied without the digits file: the error says what to do, loadDataset reads a file or takes bytes', async () => {
  const { loadSteplab: load } = await import(pathToFileURL(path.join(alone, 'steplab.mjs')).href);
  const lab = await load();
  assert.throws(() => lab.dataset({ name: 'digits' }), /digits: pixel data is not loaded/);
  await assert.rejects(lab.loadDataset('digits'), (e) => {
    assert.equal(e.name, 'SteplabError', String(e));
    assert.equal(e.thing, 'digits');
    assert.equal(e.field, 'url');
    assert.ok(e.message.includes(`could not load ${pathToFileURL(path.join(alone, 'steplab-digits.bin.gz')).href} (ENOENT`), e.message);
    assert.ok(e.message.includes("lab.loadDataset('digits', { url })") && e.message.includes('{ bytes }'), e.message);
    return true;
  });
  assert.equal(lab.dataset({ name: 'moons', n_samples: 10 }).n_samples, 10); // the error broke nothing
  await lab.loadDataset('digits', { url: pathToFileURL(dist('steplab-digits.bin.gz')) });
  assert.equal(lab.dataset({ name: 'digits' }).n_samples, 1797);
  const other = await load();
  await other.loadDataset('digits', { bytes: digitsBytes });
  assert.deepEqual(other.dataset({ name: 'digits', seed: 2 }), lab.dataset({ name: 'digits', seed: 2 }));
  const third = await load(); // the bytes as the second argument, as the page's worker passes them
  await third.loadDataset('digits', new Uint8Array(digitsBytes).buffer);
  assert.deepEqual(third.dataset({ name: 'digits', seed: 2 }), lab.dataset({ name: 'digits', seed: 2 }));
});

test('loadDataset refuses bad arguments with a SteplabError; generated data sets need nothing', async () => {
  const lab = await loadSteplab();
  await lab.loadDataset('moons');
  const refuses = (args, ...pieces) => assert.rejects(lab.loadDataset(...args), (e) => {
    assert.ok(e instanceof SteplabError, String(e));
    for (const p of pieces) assert.ok(e.message.includes(p), `'${e.message}' lacks '${p}'`);
    return true;
  });
  await refuses(['nope'], "loadDataset: name must be one of circle, xor", "got 'nope'");
  await refuses([42], 'loadDataset: name must be one of', 'got 42');
  await refuses(['digits', 'x'], "loadDataset: options must be an object ({ url } or { bytes }), got 'x'");
  await refuses(['digits', { url: 5 }], 'loadDataset: url must be the address of steplab-digits.bin.gz (a string or URL), got 5');
  await refuses(['digits', { bytes: 'abc' }], 'digits: data must be the bytes (Uint8Array or ArrayBuffer)');
  await refuses(['digits', { bytes: new Uint8Array(10) }], 'digits: data must be the file dist/steplab-digits.bin.gz');
  assert.equal(lab.dataset({ name: 'digits' }).n_samples, 1797);
});

test('where there is no file system (as in a browser): nothing is fetched until loadDataset, which fetches beside the module', async () => {
  const server = await startServer(0);
  const realFetch = globalThis.fetch;
  const getBuiltin = process.getBuiltinModule;
  const fetched = [];
  globalThis.fetch = (url, ...rest) => { fetched.push(String(url)); return realFetch(url, ...rest); };
  process.getBuiltinModule = undefined;
  try {
    const { loadSteplab: load } = await import(`${pathToFileURL(dist('steplab.mjs')).href}?browser-like`);
    const lab = await load();
    assert.deepEqual(fetched, []);
    assert.throws(() => lab.dataset({ name: 'digits' }), /pixel data is not loaded/);
    const base = `http://127.0.0.1:${server.address().port}`;
    await assert.rejects(lab.loadDataset('digits', { url: `${base}/missing.bin.gz` }),
      /digits: url could not load http:\/\/127\.0\.0\.1:\d+\/missing\.bin\.gz \(HTTP 404 Not Found\)/);
    await lab.loadDataset('digits', { url: `${base}/steplab-digits.bin.gz` });
    assert.equal(lab.dataset({ name: 'digits' }).n_classes, 10);
    assert.deepEqual(fetched, [`${base}/missing.bin.gz`, `${base}/steplab-digits.bin.gz`]);
    // the default address is beside the module (here a file: URL, which fetch cannot read)
    const plain = await load();
    await assert.rejects(plain.loadDataset('digits'), (e) => e.name === 'SteplabError' && e.message.includes(`could not load ${pathToFileURL(dist('steplab-digits.bin.gz')).href}`));
  } finally {
    globalThis.fetch = realFetch;
    process.getBuiltinModule = getBuiltin;
    server.close();
  }
});
