// steplab's JS module: `const lab = await loadSteplab()` works unchanged in
// Node 20+ and in browsers, from file:// too: the wasm core is embedded
// (gzip-compressed, as Z85 text) in this module, so there is no second file to fetch.
// The one data file, the digits' pixels (steplab-digits.bin.gz), sits beside the
// module: Node reads it by itself, browsers fetch it only when asked (lab.loadDataset).
import wasmText, { length as wasmLength } from '../../dist/build/steplab.wasm.z85.js';
import { z85Decode } from './z85.mjs';
import { instantiate, gunzip, simdSupported } from './core.mjs';
import { SteplabError, fail, describe } from './errors.mjs';
import { install as installSchedules } from './schedules.mjs';
import { install as installLosses } from './losses.mjs';
import { install as installOptimizers } from './optimizers.mjs';
import { install as installData, loadDigits } from './data.mjs';
import { install as installModel } from './model.mjs';
import { install as installTrain } from './train.mjs';
import { install as installLrFind } from './lrfind.mjs';
import { install as installCheck } from './check.mjs';

export { SteplabError };
export const version = '0.1.0';

const DIGITS_FILE = 'steplab-digits.bin.gz';

// Node's fs (process.getBuiltinModule: Node 20.16+, no import statement), or undefined elsewhere.
function nodeFs() {
  const p = globalThis.process;
  return p?.versions?.node && typeof p.getBuiltinModule === 'function' ? p.getBuiltinModule('node:fs') : undefined;
}

// Where this module was loaded from: the place its data file sits beside.
function moduleUrl() {
  const url = import.meta.url;
  return typeof url === 'string' && url ? url : globalThis.location?.href;
}

// The bytes of a data file at url: read from disk for file: URLs in Node, fetched otherwise.
async function readUrl(url) {
  const fs = nodeFs();
  if (fs && url.protocol === 'file:') return new Uint8Array(await fs.promises.readFile(url));
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  return new Uint8Array(await res.arrayBuffer());
}

// Node: the digits beside this module, when the file is there (a copy of the module alone has none).
function digitsBesideModule() {
  const fs = nodeFs();
  const base = moduleUrl();
  if (!fs || !base?.startsWith('file:')) return undefined;
  try {
    return fs.readFileSync(new URL(DIGITS_FILE, base));
  } catch {
    return undefined;
  }
}

/**
 * Loads the core. options.wasm: the bytes of another build of the core (e.g.
 * dist/steplab-scalar.wasm, the build without SIMD) instead of the embedded one.
 * options.digits: the bytes of dist/steplab-digits.bin.gz, for lab.dataset({ name: 'digits' });
 * in Node they are read from beside the module when not given.
 */
export async function loadSteplab(options = {}) {
  let bytes = options.wasm;
  if (!bytes) {
    if (!simdSupported()) {
      throw new SteplabError(
        'steplab: this JavaScript engine has no WebAssembly SIMD; use a current browser or Node, ' +
          'or pass the scalar build: loadSteplab({ wasm: bytes of dist/steplab-scalar.wasm })',
        { code: 'unsupported' },
      );
    }
    bytes = await gunzip(z85Decode(wasmText, wasmLength));
  }
  const core = await instantiate(bytes);
  const registry = JSON.parse(core.cstring(core.x.sl_registry_json()));
  const lab = {
    version: core.cstring(core.x.sl_version()),
    simd: core.x.sl_simd() === 1,
    registry,
    schedulers: registry.schedulers.map((k) => k.name),
    losses: registry.losses.map((k) => k.name),
    optimizers: registry.optimizers.map((k) => k.name),
    surfaces: registry.surfaces.map((k) => k.name),
    datasets: registry.datasets.map((k) => k.name),
    /** The size of the core's wasm memory in bytes (it grows, never shrinks): for leak checks. */
    get memoryBytes() { return core.memory.buffer.byteLength; },
  };
  installSchedules(lab, core);
  installLosses(lab, core);
  installOptimizers(lab, core);
  await installData(lab, core, { ...options, digits: options.digits ?? digitsBesideModule() });
  installModel(lab, core);
  installTrain(lab, core);
  installLrFind(lab);
  installCheck(lab);
  lab.loadDataset = (name, opts) => loadDataset(core, lab, name, opts);
  return Object.freeze(lab);
}

/**
 * lab.loadDataset(name, { url, bytes }) (or (name, bytes)): makes a data set that ships as a file
 * ready for lab.dataset and createTrainer. 'digits' reads (Node) or fetches (browsers) url, by
 * default steplab-digits.bin.gz beside this module, or takes the file's bytes; once loaded it is
 * not fetched again. Data sets the core generates need nothing and resolve at once.
 */
async function loadDataset(core, lab, name, opts = {}) {
  if (opts instanceof ArrayBuffer || ArrayBuffer.isView(opts)) opts = { bytes: opts };
  const thing = 'loadDataset';
  if (typeof name !== 'string' || !lab.datasets.includes(name)) {
    fail(thing, 'name', `must be one of ${lab.datasets.join(', ')}, got ${describe(name)}`);
  }
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) fail(thing, 'options', `must be an object ({ url } or { bytes }), got ${describe(opts)}`);
  const { url, bytes } = opts;
  if (name !== 'digits') return;
  if (bytes !== undefined) return loadDigits(core, bytes);
  if (url === undefined && core.x.sl_data_digits_loaded()) return;
  if (url !== undefined && typeof url !== 'string' && !(url instanceof URL)) {
    fail(thing, 'url', `must be the address of ${DIGITS_FILE} (a string or URL), got ${describe(url)}`);
  }
  let where;
  try {
    where = new URL(url ?? DIGITS_FILE, moduleUrl());
  } catch {
    fail('digits', 'url', `needs an absolute address here (this script has no address of its own to resolve '${url ?? DIGITS_FILE}' against): ` +
      `pass lab.loadDataset('digits', { url }) with the full address of ${DIGITS_FILE}, or its bytes as { bytes }`, 'state');
  }
  let data;
  try {
    data = await readUrl(where);
  } catch (e) {
    fail('digits', 'url', `could not load ${where.href} (${e.message}): put ${DIGITS_FILE} (it ships in dist/) there, ` +
      `or pass its address as lab.loadDataset('digits', { url }) or its bytes as { bytes }`, 'state');
  }
  return loadDigits(core, data);
}
