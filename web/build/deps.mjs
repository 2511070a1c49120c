// Build step: turns an esbuild metafile into a make dependency file, so make
// rebundles an output only when one of its inputs changed.
// Usage: node deps.mjs meta.json output > output.d
import fs from 'node:fs';

const [meta, output] = process.argv.slice(2);
const inputs = Object.keys(JSON.parse(fs.readFileSync(meta, 'utf8')).inputs).filter((f) => !f.includes(':'));
// an input that disappears must not stop the build: like -MP, an empty rule for each
process.stdout.write(`${output}: ${inputs.join(' ')}\n${inputs.map((f) => `${f}:\n`).join('')}`);
