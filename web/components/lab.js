// What every steplab component shares: one worker per page (one wasm core) with the registry it
// reports, the data sets loaded into it, the attribute readers and the base style.
import uplotCss from 'uplot/dist/uPlot.min.css';
import { startLab, scriptSrc } from '../shared/client.js';
import { Registry } from '../shared/registry.js';
import { ensureDataset } from '../shared/digits.js';

let shared = null;
let workers = 0;

/** The page's one worker: { call, info (init's answer), registry (a Registry, once info resolves) }. */
export function lab() {
  if (!shared) {
    const l = startLab();
    workers++;
    shared = { call: l.call, info: null, registry: null };
    shared.info = l.call('init').then((info) => { shared.registry = new Registry(info.registry); return info; });
  }
  return shared;
}

/** How many workers the components started (one per page). */
export const workerCount = () => workers;

/** The registry of the components' core. */
export async function registry() {
  await lab().info;
  return shared.registry;
}

/** Loads what a data set spec needs into the worker (the digits' pixels, from beside steplab-embed.js). */
export function ensureData(spec, tag) {
  return ensureDataset(lab(), spec, { base: scriptSrc || document.baseURI, who: `<${tag} dataset="${spec?.name}">`, beside: 'steplab-embed.js' });
}

// Attributes every component leaves to the page or reads itself.
export const RESERVED = new Set(['controls', 'locked', 'height', 'theme', 'steps', 'config', 'class', 'style', 'id', 'title',
  'lang', 'dir', 'hidden', 'tabindex', 'slot', 'part', 'derivatives', 'against', 'metric']);

/** "max-lr" -> "max_lr"; "t-max" -> "T_max" via the registry's names. */
export function paramName(attr, params) {
  const snake = attr.replace(/-/g, '_');
  const hit = params?.find((p) => p.name.toLowerCase() === snake.toLowerCase());
  return hit ? hit.name : snake;
}

/** An attribute's text as a value: true, false, null, a number, JSON, or the text. */
export function attrValue(text) {
  const t = text.trim();
  if (t === 'true' || t === '') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  if (t.startsWith('[') || t.startsWith('{')) {
    try { return JSON.parse(t); } catch { return t; }
  }
  return t;
}

/** Calls host._init() when an attribute changes, but not for the ones the element writes itself (data-, aria-). */
export function watchAttributes(host) {
  const o = new MutationObserver((records) => {
    if (records.some((r) => !/^(data-|aria-|class$|style$)/.test(r.attributeName))) host._init();
  });
  o.observe(host, { attributes: true });
  return o;
}

/** Fires a composed, bubbling event on the element. */
// A chart's height from the `height` attribute, in CSS pixels: above 80 and at most 2000 (a larger
// number would make the chart allocate a canvas and tick arrays the size of the number), else def.
export function heightAttr(host, def) {
  const h = Number(host.getAttribute('height'));
  return h > 80 ? Math.min(h, 2000) : def;
}

export const fire = (host, name, detail) => host.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));

export const STYLE = `
:host { display: block; --fg: var(--steplab-fg, #1d2330); --bg: var(--steplab-bg, #fff); --grid: var(--steplab-grid, #dfe3ea);
  --accent: var(--steplab-accent, #0b5cad); --err: #b3261e; font: 14px/1.4 var(--steplab-font, system-ui, sans-serif);
  color: var(--fg); background: var(--bg); border: 1px solid var(--grid); border-radius: 8px; padding: 8px; }
:host([theme="dark"]) { --fg: var(--steplab-fg, #e6e9ef); --bg: var(--steplab-bg, #13161c); --grid: var(--steplab-grid, #323947); --err: #ff8a80; }
@media (prefers-color-scheme: dark) { :host([theme="auto"]) { --fg: var(--steplab-fg, #e6e9ef); --bg: var(--steplab-bg, #13161c); --grid: var(--steplab-grid, #323947); --err: #ff8a80; } }
.controls { display: flex; flex-wrap: wrap; gap: 6px 14px; margin-bottom: 6px; }
.controls label { display: inline-flex; gap: 6px; align-items: center; }
input, select { font: inherit; color: inherit; background: var(--bg); border: 1px solid #8a93a6; border-radius: 4px; padding: 2px 5px; }
input[type=number] { width: 7em; }
:focus-visible { outline: 3px solid #d55e00; outline-offset: 2px; }
.error { color: var(--err); font-size: 13px; }
.error:empty { display: none; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.u-legend { font-size: 12px; color: var(--fg); }
.chart-table { font-size: 12px; } .chart-table summary { cursor: pointer; width: max-content; }
.chart-table caption { text-align: left; } .chart-table-body { max-height: 220px; overflow: auto; } .chart-table td, .chart-table th { padding: 0 6px; text-align: right; }
img.steplab-print { display: block; }
@media print { .controls, button, .chart-table { display: none; } }
${uplotCss}`;
