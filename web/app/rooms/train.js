// Room 4, Training: a real model trained live in the worker on a data set, a
// loss, an optimizer and a learning-rate schedule, with the learning rate
// actually used, the losses and the gradient norm moving side by side, the
// model's decision regions over the data, the metrics and why training
// stopped. Finished runs can be pinned and compared (up to 8), raced together,
// exported as PyTorch, CSV, JSON and a checkpoint that loads back here.
//
// The room is one object (`room`: its settings, data, runs and what each section adds) that
// its sections share: train-controls.js (the settings column), train-data.js (the data and
// its picture), train-runs.js (training the runs), train-compare.js (pins and the race),
// train-draw.js (charts, metrics, the script) and train-export.js.
import { el, clear } from '../../shared/dom.js';
import { lossFits, trainerSchedulerFor } from '../../shared/choices.js';
import { trainProps, trainerConfig } from './train-config.js';
import { mountControls } from './train-controls.js';
import { mountData } from './train-data.js';
import { mountRuns } from './train-runs.js';
import { mountCompare } from './train-compare.js';
import { mountDrawing } from './train-draw.js';
import { mountExport } from './train-export.js';
import { mountNotice } from './train-notice.js';
import { linkProps, csvForLink, pinsForLink, linkGaps, restorePins, runNames, catchUp } from './link-runs.js';

// Settings from a link are checked by the core before they are used (the digits' pixels load with the room).
async function validate(lab, values, registry) {
  if (values.data.name === 'digits') return [];
  try {
    const d = await lab.call('dataset', { spec: values.data });
    if (!lossFits(registry, values.loss.type, d.task)) return [`loss: ${values.loss.type} does not fit the ${d.task} data set ${values.data.name}`];
    const { run } = await lab.call('trainCreate', { config: trainerConfig(registry, { ...values, extra: [] }, values.data) });
    await lab.call('trainDispose', { run });
  } catch (e) {
    return [e.message];
  }
  return [];
}

// the room's settings, and what a link adds: pinned runs and imported data (link-runs.js)
const props = (registry) => ({ ...trainProps(registry), ...linkProps });
export const trainRoom = { title: 'Training', props, validate, create: createTrainRoom };

function createTrainRoom({ root, lab, registry, getState, setState, notify, mountExtras, ensureData }) {
  const { pins: linkPins, csv: linkCsv, at: linkAt, ...settings } = getState();
  const room = {
    lab, registry, notify, ensureData,
    state: settings,
    // the link holds the settings, the pinned runs as their settings and the imported data when it fits
    save: () => setState({ ...room.state, pins: pinsForLink(room.pins), csv: csvForLink(room.csv), at: room.cur?.run.steps_done ?? 0 }),
    data: null, // lab.dataset of the current settings (standardised), with its spec
    raw: null, // the named set unstandardised, when points were added
    csv: null, // an imported CSV { X, y, task, name }
    view: null, regions: null, line: null,
    embedding: null, // the current run's outputs for every row
    pins: [], playing: false, racing: false,
    listeners: new Set(), // panels that follow the current run (api.subscribe)
    wantInspect: false,
    addClass: 0, csvError: '', fitAfterLoad: false,
    settingsErr: el('div', { class: 'field-error', id: 'train-error', role: 'alert' }),
  };
  const controls = el('section', { class: 'controls', 'aria-label': 'Training settings' });
  const main = el('section', { class: 'plots', 'aria-label': 'Training' });
  const side = el('section', { class: 'explain', 'aria-label': 'Metrics, comparison and export' });
  clear(root);
  root.append(controls, main, side);
  room.connected = () => controls.isConnected;

  const toolbar = mountRuns(room);
  const drawing = mountDrawing(room);
  const picture = mountData(room);
  const compare = mountCompare(room);
  const exporting = mountExport(room);
  const notice = mountNotice(room);
  mountControls(room, controls);
  // the optimizer's insides and the pitfalls: under the charts, at the room's full width
  const extras = el('div', { id: 'train-extras', class: 'wide' });
  main.append(toolbar, drawing.status, ...picture, ...drawing.charts);
  side.append(notice, ...drawing.metrics, ...compare, ...exporting, ...drawing.code);
  root.append(extras);

  // pinned runs are named by what tells them apart ("SGD lr 0.02 momentum 0.9"), and the link follows them
  const renderPins = room.renderPins;
  room.renderPins = () => {
    const names = runNames([room.state, ...room.pins.map((p) => p.state)]);
    room.pins.forEach((p, i) => { p.label = names[i + 1]; });
    renderPins();
    room.save();
  };
  let restoring = 0;
  // a link's imported data and pinned runs (recomputed) replace the room's when they differ
  const csvFromLink = (csv) => {
    room.csv = csv && !csv.omitted ? csv : null;
    if (csv?.omitted) notify(`The link names imported data (${csv.name}) too large for a link; it is not included, so the room shows its built-in data set.`, 'warn');
  };
  const pinsFromLink = (pins) => {
    if (JSON.stringify(pins) === JSON.stringify(pinsForLink(room.pins))) return;
    const g = ++restoring;
    for (const p of room.pins.splice(0)) p.run.dispose();
    restorePins(room, pins, () => g === restoring);
  };
  csvFromLink(linkCsv);
  room.renderPins();
  // a link trains its current run to where it was, opened in a fresh page or set into the open room
  room.loadData().then(() => catchUp(room, linkAt));
  pinsFromLink(linkPins);

  const api = {
    setState(next) {
      const { pins, csv, at, ...rest } = next;
      room.state = rest;
      if (JSON.stringify(csv) !== JSON.stringify(csvForLink(room.csv))) csvFromLink(csv);
      room.loadData().then(() => catchUp(room, at));
      pinsFromLink(pins);
    },
    /** What a copied link leaves out, in words ('' when it holds the whole view). */
    linkGaps: () => linkGaps(room),
    /** The link is about to be copied: it takes the current run's progress. */
    beforeLink: () => room.save(),
    /** The trainer config of the current settings (createTrainer's shape), or null before the data are loaded. */
    getConfig: () => (room.data ? room.config() : null),
    /** Merges settings: { lr } sets the optimizer's learning rate, { max_lr } a one-cycle schedule; other keys are room settings. */
    setConfig(partial) {
      const { lr, max_lr, ...rest } = partial || {};
      const s = room.state;
      if (lr !== undefined) s.opt = { ...s.opt, lr };
      if (max_lr !== undefined) s.sched = { ...trainerSchedulerFor(registry, 'OneCycleLR', room.budget(), max_lr), max_lr };
      Object.assign(s, rest);
      room.commit(Object.keys(rest).some((k) => k === 'data' || k === 'extra') ? 'data' : 'run');
    },
    series: () => {
      const c = room.cur.run.cols;
      return { lr: Array.from(c.lr.view()), loss: Array.from(c.loss.view()), train_loss: Array.from(c.train_loss.view()), val_loss: Array.from(c.val_loss.view()),
        pins: room.pins.map((p) => ({ label: p.label, steps: p.run.cols.loss.n, train_loss: Array.from(p.run.cols.train_loss.view()) })) };
    },
    charts: room.charts,
    /** fn(result of each trainStep of the current run, { run, info, config }); returns the unsubscribe function. */
    subscribe(fn) { room.listeners.add(fn); return () => room.listeners.delete(fn); },
    /** Whether each trainStep of the current run also returns run.inspect() (for a panel that shows it). */
    requestInspect(on) { room.wantInspect = !!on; },
    /** The room is left: its runs and the panels' are freed in the worker. */
    dispose() {
      room.halt();
      room.cur.run.dispose();
      for (const p of room.pins) p.run.dispose();
      extrasApi?.dispose?.();
    },
  };
  const extrasApi = mountExtras?.(extras, api);
  window.steplabTraining = api; // the hook the other panels and the tests use
  return api;
}
