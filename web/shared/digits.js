// The optical digits' pixels for a page or a component: they ship beside the script as
// dist/steplab-digits.bin.gz (44 KB) and are handed, once per worker, to the worker's one core
// (request loadDataset). Over http(s) the file is fetched; a page opened from file:// cannot fetch
// (Chromium refuses file:// requests from a file:// page), so there the same bytes come from
// dist/steplab-digits.js, a classic script beside it (web/shared/digits-asset.js) that hands them
// over in a 'steplab-asset' event. Messages speak to whoever placed the figure on the page.
import { LabError } from './client.js';

const GZ = 'steplab-digits.bin.gz';
const JS = 'steplab-digits.js';
const loaded = new WeakMap(); // worker client -> Promise of the digits in its core
let fromScript = null; // one steplab-digits.js per page

/** Whether a data set spec needs the digits' pixels. */
export const needsDigits = (spec) => !!spec && typeof spec === 'object' && spec.name === 'digits';

/**
 * Makes sure the worker behind `lab` can build `spec` (a lab.dataset spec or a trainer config's
 * dataset): for the digits, their bytes are loaded beside `base` (the script's or the page's URL)
 * and sent to the worker once. `who` ("<steplab-train dataset=\"digits\">") and `beside`
 * ("steplab-embed.js") word the message when the file is missing.
 */
export function ensureDataset(lab, spec, { base, who, beside }) {
  if (!needsDigits(spec)) return Promise.resolve();
  let p = loaded.get(lab);
  if (!p) {
    p = (async () => {
      const bytes = await digitsBytes(base, who, beside);
      await lab.call('loadDataset', { name: 'digits', bytes });
    })();
    loaded.set(lab, p);
    p.catch(() => loaded.delete(lab)); // a later figure may try again
  }
  return p;
}

async function digitsBytes(base, who, beside) {
  const at = (file) => new URL(file, base || document.baseURI).href;
  const fail = (file, why) => new LabError({ message: `${who}: could not load ${file} next to ${beside} (${why}); copy it beside the script`,
    code: 'state', thing: 'digits', field: 'data' });
  if (new URL(at(GZ)).protocol === 'file:') {
    try {
      return await scriptBytes(at(JS));
    } catch (e) {
      throw fail(JS, `a page opened from file:// cannot fetch ${GZ}, so the digits come as this script there; ${e.message}`);
    }
  }
  let why;
  try {
    const r = await fetch(at(GZ));
    if (r.ok) return new Uint8Array(await r.arrayBuffer());
    why = `HTTP ${r.status} for ${at(GZ)}`;
  } catch (e) {
    why = `${e.message} for ${at(GZ)}`;
  }
  // a policy without connect-src 'self' may still allow the script
  try {
    return await scriptBytes(at(JS));
  } catch {
    throw fail(GZ, why);
  }
}

// Loads steplab-digits.js once and resolves with the bytes it hands over.
function scriptBytes(url) {
  fromScript ||= new Promise((resolve, reject) => {
    let bytes = null;
    const take = (ev) => { if (ev.detail?.name === 'digits' && ev.detail.bytes instanceof Uint8Array) bytes = ev.detail.bytes; };
    document.addEventListener('steplab-asset', take);
    const s = document.createElement('script');
    s.src = url;
    s.onload = () => {
      document.removeEventListener('steplab-asset', take);
      s.remove();
      if (bytes) resolve(bytes);
      else reject(new Error(`${JS} did not hand over the digits`));
    };
    s.onerror = () => {
      document.removeEventListener('steplab-asset', take);
      s.remove();
      reject(new Error(`${url} did not load`));
    };
    document.head.append(s);
  });
  fromScript.catch(() => { fromScript = null; });
  return fromScript;
}
