// Compiled (not run) by tests/types.test.mjs: the declarations accept real use
// and reject misspelled options.
import { loadSteplab, SteplabError, type SchedulerSpec } from 'steplab';

async function main(): Promise<void> {
  const lab = await loadSteplab();
  const spec: SchedulerSpec = { type: 'OneCycleLR', max_lr: 0.1, total_steps: 100, anneal_strategy: 'linear' };
  const lr: Float64Array = lab.schedule(spec, 100);
  const s = lab.createScheduler({ type: 'SequentialLR', lr: 0.1, milestones: [5],
    schedulers: [{ type: 'LinearLR', start_factor: 0.1, total_iters: 5 }, { type: 'CosineAnnealingLR', T_max: 95 }] });
  const next: number = s.step();
  const again = lab.restoreScheduler(s.state());
  again.dispose();
  const l = lab.loss({ type: 'HuberLoss', delta: 5 }, [98, 153], [100, 150]);
  try {
    lab.schedule({ type: 'StepLR', step_size: 0 }, 3);
  } catch (e) {
    if (e instanceof SteplabError) console.log(e.field, e.code, lr[0], next, l.value);
  }
  const opt = lab.createOptimizer({ type: 'Adam', lr: 0.01, betas: [0.9, 0.99], scheduler: { type: 'StepLR', step_size: 10 } }, 2);
  const p = new Float32Array([1, 2]);
  opt.step(p, new Float32Array([0.1, -0.2]));
  const t = lab.trace({ fn: 'rosenbrock', start: [-1.5, 2], optimizer: { type: 'LBFGS', line_search_fn: 'strong_wolfe' }, steps: 20 });
  await lab.loadDataset('digits', { url: new URL('https://example.org/steplab-digits.bin.gz') });
  // @ts-expect-error: no such data set
  await lab.loadDataset('mnist');
  const d = lab.dataset({ name: 'moons', n_samples: 200, noise: 0.1 });
  console.log(t.diverged, d.n_train, opt.lr);
  const run = lab.createTrainer({ dataset: { name: 'blobs', centers: 4 }, model: { hidden: [16], embedding_dim: 2 },
    loss: { type: 'TripletMarginLoss' }, optimizer: { type: 'Adam', bias_correction: false }, batch_size: 32,
    batch_size_schedule: { milestones: [5], gamma: 2 }, scheduler_order: 'before' });
  run.step(3);
  const e: Float32Array = run.embed([[0, 0]]);
  const info = run.inspect().layers[0];
  console.log(run.task === 'embedding', run.batch_size, run.steps_per_epoch, e[0], info.name, info.effective_lr ?? 0);
  run.dispose();
  // @ts-expect-error: scheduler_order is 'after' or 'before'
  lab.createTrainer({ dataset: { name: 'moons' }, model: { hidden: [] }, loss: { type: 'MSELoss' }, optimizer: { type: 'SGD', lr: 1 }, scheduler_order: 'first' });
  const cfg = { dataset: { name: 'moons' }, model: { hidden: [16] }, loss: { type: 'BCEWithLogitsLoss' as const }, optimizer: { type: 'SGD' as const, lr: 0.1 } };
  const f = lab.lrFind(cfg, { start_lr: 1e-6, end_lr: 1, step_mode: 'linear', seeds: [0, 1] });
  const valley: number | null = f.suggestions.valley;
  console.log(valley, f.stopped === 'diverged', f.spread?.steep?.median, f.runs?.[1].seed, f.smoothed[0]);
  // @ts-expect-error: step_mode is 'exp' or 'linear'
  lab.lrFind(cfg, { step_mode: 'cos' });
  // @ts-expect-error: no such option
  lab.lrFind(cfg, { num_iters: 10 });
  // @ts-expect-error: no such surface
  lab.trace({ fn: 'volcano', start: [0, 0], optimizer: { type: 'SGD', lr: 0.1 }, steps: 1 });
  // @ts-expect-error: anneal_strategy is 'cos' or 'linear'
  lab.schedule({ type: 'OneCycleLR', max_lr: 0.1, anneal_strategy: 'cosine' }, 3);
  // @ts-expect-error: StepLR needs step_size
  lab.schedule({ type: 'StepLR', gamma: 0.5 }, 3);
  // the trainer's public config, the pure steps per epoch and the core's layouts
  const spe: number = lab.stepsPerEpoch(cfg, 2);
  const tr = lab.createTrainer(cfg);
  const rerun = lab.createTrainer(tr.config);
  const fits: string[] = lab.registry.losses.filter((k) => k.tasks.includes('binary') && !k.penalty).map((k) => k.name);
  const moons = lab.registry.datasets.find((k) => k.task === 'binary')?.starter;
  console.log(spe, rerun.sizes, tr.work(10) < lab.registry.trainer.limits.work, fits, moons, lab.registry.trainer.epoch_record.regression[4]);
  // written rules and their grading
  const mine = { type: 'Custom' as const, hyper: { lr: 0.01, mu: 0.9 }, state: { v: 0 }, update: 'v = mu * v + g; p = p - lr * v' };
  const verdict = lab.checkOptimizer(mine, { type: 'SGD', lr: 0.01, momentum: 0.9 }, { steps: 50 });
  const firstStep: number | null = verdict.step;
  const huber = lab.checkLoss({ type: 'Custom', hyper: { delta: 1 }, expr: 'abs(x - y) < delta ? 0.5 * (x - y)^2 : delta * (abs(x - y) - 0.5 * delta)' },
    { type: 'HuberLoss' }, { n: 32 });
  const gc = lab.gradcheck({ type: 'Custom', expr: '(x - y)^2' }, [1, 2], [0, 0]);
  console.log(firstStep, huber.what, gc.maxRelErr);
  // @ts-expect-error: a check's options are named
  lab.checkOptimizer(mine, mine, { step: 5 });
}
void main;
