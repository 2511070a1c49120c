// The lab page's shell: rooms with their own hash routes, the worker that
// owns the core, the notice line, "Copy link". Bundled as a classic script
// (dist/app.js) so the page also runs opened from disk.
import 'uplot/dist/uPlot.min.css';
import './app.css';
import { startLab } from './client.js';
import { parseHash, readState, writeHash } from './state.js';
import { el, clear } from './dom.js';
import { startFrameApi } from './frame.js';
import { createSchedulesRoom, PROPS as SCHEDULE_PROPS } from './rooms/schedules.js';
import { createLossesRoom, PROPS as LOSS_PROPS } from './rooms/losses.js';
import { createRaceRoom, PROPS as RACE_PROPS } from './rooms/race.js';
import { createLrFinderRoom, PROPS as LRF_PROPS, useRegistry as lrfRegistry } from './rooms/lrfinder.js';
import { mountTrainExtras } from './rooms/train-extras.js';
import { createTrainRoom, validateTrain, PROPS as TRAIN_PROPS } from './rooms/train.js';

const ROOMS = {
  schedules: { title: 'Schedules', props: SCHEDULE_PROPS, create: createSchedulesRoom, validate: validateSchedules },
  race: { title: 'Optimizers', props: RACE_PROPS, create: createRaceRoom, validate: validateRace },
  losses: { title: 'Losses', props: LOSS_PROPS, create: createLossesRoom, validate: async () => [] },
  train: { title: 'Training', props: TRAIN_PROPS, create: createTrainRoom, validate: validateTrain },
  lrfinder: { title: 'LR finder', props: LRF_PROPS, create: createLrFinderRoom, validate: async () => [], setup: lrfRegistry },
};

// Curves from a link are checked by the core before they are shown.
async function validateSchedules(lab, values) {
  for (const spec of values.curves) {
    const options = spec.type === 'ReduceLROnPlateau' ? { metrics: [1] } : undefined;
    try {
      await lab.call('schedule', { spec, n: 2, options });
    } catch (e) {
      return [`curve '${spec.type}': ${e.message}`];
    }
  }
  return [];
}

// Optimizers and surface parameters from a link are checked by the core too.
async function validateRace(lab, values) {
  try {
    await lab.call('landscape', { fn: values.fn, fn_params: values.fnp, x: [0, 1], y: [0, 1], nx: 2, ny: 2 });
  } catch (e) {
    return [`surface: ${e.message}`];
  }
  const res = await lab.call('race', { fn: values.fn, fn_params: values.fnp, start: values.start, steps: 1, noise: values.noise, seed: values.seed, optimizers: values.opts });
  const bad = res.find((r) => r.error);
  return bad ? [`optimizer: ${bad.error.message}`] : [];
}

const $ = (id) => document.getElementById(id);

function notify(text, kind = 'info') {
  const box = $('notice');
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = !text;
}

async function main() {
  const lab = startLab();
  const info = await lab.call('init');
  $('version').textContent = `core ${info.version}${info.simd ? ', wasm SIMD' : ''}`;
  const nav = $('rooms');
  for (const room of Object.values(ROOMS)) room.setup?.(info.registry);
  for (const [route, room] of Object.entries(ROOMS)) {
    nav.append(el('a', { href: `#/${route}`, 'data-route': route }, room.title));
  }
  let current = null;
  const lastState = {}; // each room's latest settings, for rooms that hand settings to each other
  const openRoom = (route, values) => { location.hash = writeHash(route, ROOMS[route].props, values); };

  const open = async () => {
    const { route: r, params } = parseHash(location.hash);
    const known = Object.hasOwn(ROOMS, r); // not ROOMS[r]: a link to '#/toString' must not find Object's
    const route = known ? r : 'schedules';
    const room = ROOMS[route];
    const problems = r && !known ? [`unknown room '${r.slice(0, 40)}'`] : [];
    let { values, problems: p2 } = readState(room.props, params);
    problems.push(...p2);
    const p3 = await room.validate(lab, values);
    if (p3.length) values = readState(room.props, new URLSearchParams()).values;
    problems.push(...p3);
    notify(problems.length ? `Some settings in the link were not valid and were reset to defaults: ${problems.join('; ')}.` : '',
      problems.length ? 'warn' : 'info');
    for (const a of nav.querySelectorAll('a')) a.setAttribute('aria-current', a.dataset.route === route ? 'page' : 'false');
    const state = structuredClone(values);
    const setState = (s) => {
      lastState[route] = s;
      history.replaceState(null, '', writeHash(route, room.props, s));
      frame?.changed();
    };
    setState(state);
    if (current?.route === route) {
      current.api.setState(state);
    } else {
      const root = $('room');
      clear(root);
      root.dataset.room = route;
      current = { route, api: room.create({ root, lab, registry: info.registry, getState: () => state, setState, notify,
        roomState: (r) => lastState[r] ?? null, openRoom, mountExtras: (box, roomApi) => mountTrainExtras({ root: box, lab, roomApi }) }) };
    }
    document.title = `steplab: ${room.title}`;
  };

  addEventListener('hashchange', () => { open(); });
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
