// The Training room's runs: each slot (the current run, or a pinned one) holds its settings and a
// RemoteRun (web/shared/remote-run.js) in the worker. Play trains every running slot a slice per
// animation frame (paced by the speed setting), Step trains one batch or one epoch, and each
// answer brings the new history, the decision regions, the embedding and the inspect samples.
import { el, select, button as btn } from '../../shared/dom.js';
import { regionImage } from '../../shared/train-view.js';
import { RemoteRun, Pacer } from '../../shared/remote-run.js';
import { trainerConfig } from './train-config.js';

const GRID = 56;
// The speed setting: a negative value is epochs per second (paced by the clock, the default 10: the
// boundary and the curves move at TensorFlow Playground's pace), a positive one steps per animation
// frame, 0 as fast as the worker can (one click away).
const SPEEDS = [['Watch it learn', [[-2, '2 epochs per second'], [-10, '10 epochs per second'], [-40, '40 epochs per second']]],
  ['Step by step', [[1, '1 step per frame'], [4, '4 steps per frame'], [16, '16 steps per frame'], [64, '64 steps per frame']]],
  ['', [[0, 'as fast as possible']]]];

// The next slice of a slot at `eps` epochs per second since it started playing (its own clock, so
// raced runs of other lengths keep the pace; a hidden tab does not pile steps up); null: none due.
function pacedSlice(slot, now, eps) {
  const run = slot.run;
  if (!slot.pace || now - slot.pace.last > 250) slot.pace = { t: now, steps: run.steps_done };
  slot.pace.last = now;
  const perEpoch = run.info?.steps_per_epoch || 1;
  const due = Math.floor(((now - slot.pace.t) / 1000) * eps * perEpoch) - (run.steps_done - slot.pace.steps);
  if (run.id === null) return { steps: 0 }; // created first: its steps per epoch set the pace
  return due > 0 ? { steps: Math.min(due, 1e6), ms: 30 } : null;
}

// Returns the toolbar (for the plots column); adds to room: newSlot, config, discardRun, advance,
// play, pause, halt, stepOnce, reset, syncToolbar, startRace, and room.cur.
export function mountRuns(room) {
  const { lab, registry: reg } = room;
  const rate = { t: 0, steps: 0, value: 0 };
  const pacer = new Pacer();
  let frames = 0;

  const playBtn = btn('Play', () => (room.playing ? room.pause() : room.play()), { id: 'train-play' });
  const speedSel = select('train-speed', SPEEDS, room.state.speed, { grouped: true });
  const counter = el('span', { id: 'train-counter', 'aria-live': 'off' });
  speedSel.addEventListener('change', () => { room.state.speed = Number(speedSel.value); room.save(); });
  room.counter = counter;
  room.rate = rate;
  room.syncToolbar = () => { speedSel.value = String(room.state.speed); room.syncLog?.(); };

  /** The createTrainer config of a slot: its settings on its data (the current data for the current run). */
  room.config = (slot = room.cur) => trainerConfig(reg, slot.state, slot === room.cur ? room.data.spec : slot.spec);
  const makeRun = (slot) => new RemoteRun(lab, () => room.config(slot));
  room.newSlot = (state) => {
    const slot = { state: structuredClone(state), spec: null, busy: false, inflight: null };
    slot.run = makeRun(slot);
    return slot;
  };
  // A pinned slot trains again from scratch (the race).
  room.restartSlot = (slot) => {
    slot.run.dispose();
    slot.run = makeRun(slot);
    slot.busy = false;
    slot.inflight = null;
  };
  room.cur = room.newSlot(room.state);

  room.discardRun = () => {
    room.halt();
    room.cur.run.dispose();
    room.cur = room.newSlot(room.state);
    room.regions = null;
    room.line = null;
    room.embedding = null;
    room.renderAll();
  };

  // One request for a slot: new history appended, pictures and metrics refreshed. While one is
  // in flight, its promise is returned.
  room.advance = (slot, req) => {
    const run = slot.run;
    if (slot.busy) return slot.inflight;
    if (run.finished && !(req.force && run.id !== null)) return Promise.resolve();
    slot.busy = true;
    slot.inflight = (async () => {
      try {
        await advanceNow(slot, run, req);
      } finally {
        slot.busy = false;
      }
    })();
    return slot.inflight;
  };

  async function advanceNow(slot, run, req) {
    const isCur = slot === room.cur;
    const data = room.data;
    const two = isCur && data.n_features === 2;
    const one = isCur && data.n_features === 1;
    const created = run.id === null;
    const r = await run.step({
      ...req.args, grid: two && req.pictures ? { x: room.view.x, y: room.view.y, nx: GRID, ny: GRID } : undefined,
      line: one && req.pictures ? { x: room.view.x, n: 160 } : undefined, evaluate: req.evaluate,
      inspect: isCur && room.wantInspect ? true : undefined,
      inspect_every: isCur && room.wantInspect ? Math.max(1, Math.round(room.budget() / 400)) : undefined,
    }, { force: req.force });
    if (run.disposed) return;
    if (!r) {
      if (run.status !== 'error' || slot !== room.cur) return;
      // the core refused: it could not create the trainer (the settings), or a step (e.g. a loss's input overflowed)
      if (run.id === null) { room.settingsErr.textContent = run.error; room.pause(); } else { room.halt(); }
      room.renderAll();
      return;
    }
    if (slot !== room.cur) return;
    if (created) room.settingsErr.textContent = '';
    rate.steps += r.steps.loss.length;
    const now = performance.now();
    if (now - rate.t >= 1000) {
      rate.value = rate.t ? (rate.steps * 1000) / (now - rate.t) : 0;
      rate.t = now;
      rate.steps = 0;
    }
    for (const fn of room.listeners) fn(r, { run: run.id, info: run.info, config: run.config });
    if (r.grid) room.regions = regionImage(r.grid, GRID, GRID, data);
    if (r.line) room.line = { x: room.view.x, values: r.line };
    if (req.pictures && run.info?.task === 'embedding') {
      const values = await run.embed(data.X);
      if (values && !run.disposed) room.embedding = { values, dim: run.info.n_outputs };
    }
  }

  room.play = () => {
    const st = room.cur.run.status;
    if (st && st !== 'running') room.reset();
    room.playing = true;
    playBtn.textContent = 'Pause';
    pacer.reset();
    room.cur.pace = null;
    rate.t = 0;
    rate.steps = 0;
    requestAnimationFrame(tick);
  };

  room.halt = () => {
    room.playing = false;
    room.racing = false;
    playBtn.textContent = 'Play';
  };

  room.pause = () => {
    if (!room.playing) return;
    room.halt();
    // the final metrics of where it stopped
    if (room.cur.run.id !== null) room.advance(room.cur, { args: { steps: 0 }, pictures: true, evaluate: true, force: true }).then(room.renderAll);
  };

  // Every running slot in a race, else the current one.
  const racers = () => (room.racing ? [room.cur, ...room.pins.filter((p) => p.inRace !== false && (p.run.status === 'running' || p.run.status === null))] : [room.cur]);
  room.startRace = () => {
    room.racing = true;
    room.playing = true;
    playBtn.textContent = 'Pause';
    requestAnimationFrame(tick);
  };

  // Each animation frame: draw what came back, and ask every running slot for its next slice.
  // The worker trains while the page draws: a slice lasts about one frame of the page as it runs now.
  function tick(now) {
    if (!room.playing) return;
    if (!room.connected()) { room.halt(); return; } // another room was opened
    frames++;
    pacer.frame(now);
    const all = racers();
    const sp = room.state.speed;
    const speed = sp === 0 ? { fast: true } : { stepsPerFrame: sp };
    for (const s of all) {
      const args = sp < 0 ? pacedSlice(s, now, -sp) : pacer.slice(s.run, speed, all.length);
      if (args && !s.busy) room.advance(s, { args, pictures: s === room.cur && (sp < 0 || frames % 3 === 0), evaluate: frames % 20 === 0 });
    }
    const t0 = performance.now();
    room.renderAll();
    document.body.dataset.trainDrawMs = String(Math.round(performance.now() - t0));
    if (all.every((s) => s.run.status && s.run.status !== 'running' && !s.busy)) {
      room.pause();
      return;
    }
    requestAnimationFrame(tick);
  }

  room.stepOnce = async (epoch) => {
    room.pause();
    while (room.cur.busy) await room.cur.inflight;
    const st = room.cur.run.status;
    if (st && st !== 'running') return;
    await room.advance(room.cur, { args: epoch ? { epoch: true } : { steps: 1 }, pictures: true, evaluate: true });
    room.renderAll();
  };

  room.reset = () => {
    room.discardRun();
    room.notify('');
  };

  return el('div', { class: 'toolbar' }, [playBtn, btn('Step batch', () => room.stepOnce(false), { id: 'train-step' }),
    btn('Step epoch', () => room.stepOnce(true), { id: 'train-epoch' }), btn('Reset', () => room.reset(), { id: 'train-reset' }),
    el('label', { class: 'sr-only', for: 'train-speed' }, 'speed'), speedSel, counter]);
}
