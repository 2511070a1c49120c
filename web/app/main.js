// The lab page's shell: rooms with their own hash routes, the worker that
// owns the core, the notice line, "Copy link". Bundled as a classic script
// (dist/app.js) so the page also runs opened from disk. Each room is a module
// exporting { title, props(registry), validate(lab, values), create(context) }.
import 'uplot/dist/uPlot.min.css';
import './app.css';
import '../shared/rule-editor.css';
import { useRuleChecker } from '../shared/rule-editor.js';
import { startLab } from '../shared/client.js';
import { Registry } from '../shared/registry.js';
import { ensureDataset } from '../shared/digits.js';
import { el, clear } from '../shared/dom.js';
import { parseHash, readState, writeHash } from './state.js';
import { startFrameApi } from './frame.js';
import { schedulesRoom } from './rooms/schedules.js';
import { raceRoom } from './rooms/race.js';
import { lossesRoom } from './rooms/losses.js';
import { trainRoom } from './rooms/train.js';
import { lrFinderRoom } from './rooms/lrfinder.js';
import { mountTrainExtras } from './rooms/train-extras.js';

const ROOMS = { schedules: schedulesRoom, race: raceRoom, losses: lossesRoom, train: trainRoom, lrfinder: lrFinderRoom };

const $ = (id) => document.getElementById(id);

function notify(text, kind = 'info') {
  const box = $('notice');
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = !text;
}

async function main() {
  const lab = startLab();
  useRuleChecker((kind, spec) => lab.call('ruleCheck', { kind, spec }));
  const info = await lab.call('init');
  $('version').textContent = `core ${info.version}${info.simd ? ', wasm SIMD' : ''}`;
  const registry = new Registry(info.registry);
  // what a data set spec needs in the worker (the digits' pixels, from beside index.html)
  const ensureData = (spec) => ensureDataset(lab, spec, { base: location.href, who: 'The digits data set', beside: 'index.html' });
  const props = Object.fromEntries(Object.entries(ROOMS).map(([route, room]) => [route, room.props(registry)]));
  const nav = $('rooms');
  for (const [route, room] of Object.entries(ROOMS)) {
    nav.append(el('a', { href: `#/${route}`, 'data-route': route }, room.title));
  }
  let current = null;
  const lastState = {}; // each room's latest settings, for rooms that hand settings to each other
  const openRoom = (route, values) => { location.hash = writeHash(route, props[route], values); };

  // Links are opened in the order they come; one whose check finishes after a newer link arrived is
  // dropped, and a room that was left can no longer rewrite the link (a burst of links from an
  // embedding page ends on the last one).
  let opening = 0;
  let shown = null;
  const open = async (hash = location.hash) => {
    const generation = ++opening;
    const { route: r, params } = parseHash(hash);
    const known = Object.hasOwn(ROOMS, r); // not ROOMS[r]: a link to '#/toString' must not find Object's
    const route = known ? r : 'schedules';
    const room = ROOMS[route];
    const problems = r && !known ? [`unknown room '${r.slice(0, 40)}'`] : [];
    let { values, problems: p2 } = readState(props[route], params);
    problems.push(...p2);
    const p3 = await room.validate(lab, values, registry);
    if (generation !== opening) return;
    shown = route;
    if (p3.length) values = readState(props[route], new URLSearchParams()).values;
    problems.push(...p3);
    notify(problems.length ? `Some settings in the link were not valid and were reset to defaults: ${problems.join('; ')}.` : '',
      problems.length ? 'warn' : 'info');
    for (const a of nav.querySelectorAll('a')) a.setAttribute('aria-current', a.dataset.route === route ? 'page' : 'false');
    const state = structuredClone(values);
    const setState = (s) => {
      if (route !== shown) return;
      lastState[route] = s;
      history.replaceState(null, '', writeHash(route, props[route], s));
      frame?.changed();
    };
    setState(state);
    if (current?.route === route) {
      current.api.setState(state);
    } else {
      const root = $('room');
      current?.api.dispose?.();
      clear(root);
      root.dataset.room = route;
      current = { route, api: room.create({ root, lab, registry, getState: () => state, setState, notify, ensureData,
        roomState: (r) => lastState[r] ?? null, openRoom, mountExtras: (box, roomApi) => mountTrainExtras({ root: box, lab, roomApi }) }) };
    }
    document.title = `steplab: ${room.title}`;
  };

  addEventListener('hashchange', (e) => { open(new URL(e.newURL).hash); });
  let frame = null;
  $('copy-link').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      notify('Link copied: it reproduces exactly this view.');
    } catch {
      notify(`Copy this link: ${location.href}`);
    }
  });
  await open();
  frame = startFrameApi({
    currentHash: () => location.hash,
    onSet: (hash) => { if (hash === location.hash) open(); else location.hash = hash; },
  });
  document.body.dataset.ready = 'true';
}

main().catch((e) => notify(`steplab could not start: ${e.message}`, 'warn'));
