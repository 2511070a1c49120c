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
import { el } from '../shared/dom.js';
import { parseHash, readState, writeHash } from './state.js';
import { startFrameApi } from './frame.js';
import { schedulesRoom } from './rooms/schedules.js';
import { raceRoom } from './rooms/race.js';
import { lossesRoom } from './rooms/losses.js';
import { trainRoom } from './rooms/train.js';
import { lrFinderRoom, trainSetup } from './rooms/lrfinder.js';
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
  // Every room opened stays alive, hidden while another is shown: switching rooms by the tabs keeps
  // its controls, its runs in the worker (training goes on), pinned runs and progress. A tab links
  // to its bare route ('#/train'), which returns to the room as it was left.
  const alive = {}; // route -> { api, box }
  const lastState = {}; // each room's latest settings, for rooms that hand settings to each other
  const openRoom = (route, values) => { location.hash = writeHash(route, props[route], values); };
  const remember = (route, s) => { lastState[route] = s; };
  // A room returned to as it was left, except that the LR finder testing the Training room's setup
  // follows that setup as it is now.
  const returning = (route) => {
    const v = lastState[route];
    return route === 'lrfinder' && v.setup && lastState.train ? { ...v, setup: trainSetup(registry, lastState.train) } : v;
  };
  const roomRoot = $('room');

  // Links are opened in the order they come; one whose check finishes after a newer link arrived is
  // dropped, and a room that is hidden can no longer rewrite the link (a burst of links from an
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
    const bare = known && alive[route] && ![...params.keys()].length;
    let { values, problems: p2 } = bare ? { values: returning(route), problems: [] } : readState(props[route], params);
    problems.push(...p2);
    const p3 = bare ? [] : await room.validate(lab, values, registry);
    if (generation !== opening) return;
    shown = route;
    if (p3.length) values = readState(props[route], new URLSearchParams()).values;
    problems.push(...p3);
    notify(problems.length ? `Some settings in the link were not valid and were reset to defaults: ${problems.join('; ')}.` : '',
      problems.length ? 'warn' : 'info');
    for (const a of nav.querySelectorAll('a')) a.setAttribute('aria-current', a.dataset.route === route ? 'page' : 'false');
    const state = structuredClone(values);
    const same = alive[route] && writeHash(route, props[route], state) === writeHash(route, props[route], lastState[route]);
    history.replaceState(null, '', writeHash(route, props[route], state));
    frame?.changed();
    for (const [k, v] of Object.entries(alive)) v.box.hidden = k !== route;
    roomRoot.dataset.room = route;
    if (alive[route]) {
      if (!same) { remember(route, state); alive[route].api.setState(state); }
    } else {
      remember(route, state);
      const box = el('div', { class: 'room', 'data-room': route });
      roomRoot.append(box);
      const setState = (s) => {
        remember(route, s);
        if (route !== shown) return;
        history.replaceState(null, '', writeHash(route, props[route], s));
        frame?.changed();
      };
      alive[route] = { box, api: null };
      alive[route].api = room.create({ root: box, lab, registry, getState: () => state, setState, notify, ensureData,
        roomState: (x) => lastState[x] ?? null, openRoom, mountExtras: (b, roomApi) => mountTrainExtras({ root: b, lab, roomApi }) });
    }
    document.title = `steplab: ${room.title}`;
  };

  // Start here: open on the landing view (no room in the address), folded once a room is linked
  const start = $('start-here');
  start.open = !location.hash;
  $('start-link').addEventListener('click', (e) => { e.preventDefault(); start.open = true; start.querySelector('a').focus(); });
  addEventListener('hashchange', (e) => { open(new URL(e.newURL).hash); });
  let frame = null;
  $('copy-link').addEventListener('click', async () => {
    alive[shown]?.api.beforeLink?.();
    const gaps = alive[shown]?.api.linkGaps?.() ?? '';
    const what = gaps ? `it reproduces this view, except that ${gaps}` : 'it reproduces exactly this view';
    try {
      await navigator.clipboard.writeText(location.href);
      notify(`Link copied: ${what}.`, gaps ? 'warn' : 'info');
    } catch {
      notify(`Copy this link (${what}): ${location.href}`, gaps ? 'warn' : 'info');
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
