// The browser side of the training benchmarks: a module worker that loads the
// shipped dist/steplab.mjs (served as /steplab.mjs; this file and train.mjs are
// copied to dist/bench/ by tests/bench/build.sh) and trains W1-W3 with
// lab.createTrainer and run.step(steps), exactly as run.mjs does in Node.
//
// Messages (the page's protocol, { id, type, ... } -> { id, result } or { id, error }):
//   { type: 'time', workload, size, opt }   check (losses of the first size.check steps), then
//                                           opt.samples timed runs after opt.warmSeconds of warm-up,
//                                           from the initial weights again past RESET_STEPS steps
//   { type: 'live', workload, size, seconds, chunkMs } trains workload continuously in chunks of
//                                           about chunkMs, yielding between chunks, until `seconds` pass;
//                                           returns the steps taken and the losses not pulled yet
//   { type: 'pull' }                        the steps' losses taken since the last pull (transferred)
import { loadSteplab } from '../steplab.mjs';
import { TRAIN, trainData, steplabConfig, steplabCheck, restartPast } from './train.mjs';

const labReady = loadSteplab();
const now = () => performance.now() / 1000;
let live = null; // { run, sent } while a 'live' run trains

// Yields to the worker's event loop (so 'pull' messages are answered) without setTimeout's clamping.
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()();
const yieldNow = () => new Promise((resolve) => { waiting.push(resolve); channel.port2.postMessage(0); });

async function time({ workload, size, opt }) {
  const lab = await labReady;
  const w = TRAIN[workload];
  const data = trainData(w, size.n);
  const check = Array.from(steplabCheck(lab, w, data, size.check));
  const config = steplabConfig(w, data);
  let run = lab.createTrainer(config);
  try {
    let warm = 0;
    const t0 = now();
    do { run.step(size.steps); warm++; } while ((warm < opt.warmRuns || now() - t0 < opt.warmSeconds) && now() - t0 < 1);
    const per = (now() - t0) / warm;
    const reps = Math.max(1, Math.ceil(opt.minSample / Math.max(per, 1e-9)));
    const samples = [];
    for (let s = 0; s < opt.samples; s++) {
      run = restartPast(lab, run, config); // back to the initial weights past RESET_STEPS, as run.mjs's timeRuns
      const a = now();
      for (let r = 0; r < reps; r++) run.step(size.steps);
      samples.push((now() - a) / reps);
    }
    return { check, samples };
  } finally {
    run.dispose();
  }
}

async function train({ workload, size, seconds, chunkMs }) {
  const lab = await labReady;
  const w = TRAIN[workload];
  const run = lab.createTrainer(steplabConfig(w, trainData(w, size.n)));
  live = { run, sent: 0 };
  let k = 16;
  const t0 = now();
  try {
    while (now() - t0 < seconds) {
      const a = now();
      run.step(k);
      // chunks of about chunkMs, so the worker answers a pull within a frame
      const dt = now() - a;
      k = Math.max(1, Math.min(1 << 16, Math.round((k * chunkMs) / 1000 / Math.max(dt, 1e-6))));
      await yieldNow();
    }
    return { steps: run.steps_done, seconds: now() - t0, loss: pull().loss }; // with the losses not pulled yet
  } finally {
    live = null;
    run.dispose();
  }
}

function pull() {
  if (!live) return { loss: new Float64Array(0), steps: 0 };
  const h = live.run.history.steps.loss;
  const loss = h.slice(live.sent);
  live.sent = h.length;
  return { loss, steps: h.length };
}

self.onmessage = async ({ data: msg }) => {
  try {
    const result = msg.type === 'time' ? await time(msg) : msg.type === 'live' ? await train(msg) : pull();
    self.postMessage({ id: msg.id, result }, result.loss ? [result.loss.buffer] : []);
  } catch (e) {
    self.postMessage({ id: msg.id, error: String(e && e.stack ? e.stack : e) });
  }
};
self.postMessage({ ready: true });
