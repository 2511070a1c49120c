// steplab's JS module: `const lab = await loadSteplab()` works unchanged in
// Node 20+ and in browsers, from file:// too: the wasm core is embedded
// (gzip-compressed, as Z85 text) in this module, so there is no second file to fetch.
import wasmText, { length as wasmLength } from '../../dist/build/steplab.wasm.z85.js';
import { z85Decode } from './z85.mjs';
import { instantiate, gunzip, simdSupported } from './core.mjs';
import { SteplabError } from './errors.mjs';
import { install as installSchedules } from './schedules.mjs';
import { install as installLosses } from './losses.mjs';
import { install as installOptimizers } from './optimizers.mjs';
import { install as installData } from './data.mjs';
import { install as installModel } from './model.mjs';
import { install as installTrain } from './train.mjs';
import { install as installLrFind } from './lrfind.mjs';

export { SteplabError };
export const version = '0.1.0';

/**
 * Loads the core. options.wasm: the bytes of another build of the core (e.g.
 * dist/steplab-scalar.wasm, the build without SIMD) instead of the embedded one.
 * options.digits: the bytes of dist/steplab-digits.bin.gz, for lab.dataset({ name: 'digits' }).
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
  await installData(lab, core, options);
  installModel(lab, core);
  installTrain(lab, core);
  installLrFind(lab);
  return Object.freeze(lab);
}
