// The Training room's exports: the history as CSV or JSON, the weights as JSON (nn.Linear's
// layout), the loss chart as PNG, and a checkpoint (run.save()) that loads back into the room and
// continues bit-identically.
import { download, downloadText } from '../../shared/chart.js';
import { el, button as btn } from '../../shared/dom.js';
import { RemoteRun } from '../../shared/remote-run.js';

/**
 * The history as one tidy table, one observation a row: level (step or epoch), index (1-based),
 * quantity and value; pandas reads it as is (pd.read_csv), and
 * df[df.level == 'epoch'].pivot(index='index', columns='quantity', values='value') gives the epochs
 * wide. Steps and epochs have different lengths, so one wide table would need blanks or two files.
 * cols: RemoteRun.cols; m: the metric's name (accuracy or mse). An empty value is a missing one.
 */
export function historyCsv(cols, m) {
  const lines = ['level,index,quantity,value'];
  const num = (v) => (Number.isFinite(v) ? String(v) : '');
  const add = (level, names) => {
    for (const [k, name] of names) for (let i = 0; i < cols[k].n; i++) lines.push(`${level},${i + 1},${name},${num(cols[k].a[i])}`);
  };
  add('step', [['loss', 'loss'], ['lr', 'lr'], ['grad_norm', 'grad_norm']]);
  add('epoch', [['train_loss', 'train_loss'], ['val_loss', 'val_loss'], ['train_m', `train_${m}`], ['val_m', `val_${m}`]]);
  return lines.join('\n') + '\n';
}

// Returns the export's elements (for the side column).
export function mountExport(room) {
  const ckptIn = el('input', { type: 'file', id: 'train-ckpt-file', accept: '.steplab,application/octet-stream' });
  const reg = () => room.data?.task === 'regression';

  function exportHistory(kind) {
    const { cur } = room;
    const c = cur.run.cols;
    const m = reg() ? 'mse' : 'accuracy';
    if (kind === 'csv') {
      downloadText('steplab-training-history.csv', historyCsv(c, m), 'text/csv');
      return;
    }
    const arr = (k) => Array.from(c[k].view());
    downloadText('steplab-training-history.json', JSON.stringify({ config: room.config(), status: cur.run.status, stop: cur.run.progress,
      steps: { loss: arr('loss'), lr: arr('lr'), grad_norm: arr('grad_norm') },
      epochs: { train_loss: arr('train_loss'), val_loss: arr('val_loss'), [`train_${m}`]: arr('train_m'), [`val_${m}`]: arr('val_m') } }), 'application/json');
  }

  async function exportWeights() {
    const { run } = room.cur;
    if (!(await run.create())) return;
    const w = await run.weights();
    if (!w) return;
    const layers = w.map((L, i) => ({ name: `fc${i + 1}`, weight: L.W.map((r) => Array.from(r)), bias: Array.from(L.b) }));
    downloadText('steplab-weights.json', JSON.stringify({ sizes: run.info.sizes, activation: room.state.model.activation, steps_done: run.progress?.steps_done ?? 0, layers }), 'application/json');
  }

  async function exportCheckpoint() {
    const { run } = room.cur;
    if (!(await run.create())) return;
    room.pause();
    const bytes = await run.save();
    if (!bytes) return;
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    download(`steplab-run-step${run.progress?.steps_done ?? 0}.steplab`, url);
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  ckptIn.addEventListener('change', async () => {
    const file = ckptIn.files[0];
    if (!file) return;
    room.pause();
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const { run, saved: r } = await RemoteRun.restore(room.lab, bytes);
      const { state } = room;
      const c = r.config || {};
      // the settings the checkpoint was made with, where the page has controls for them
      if (c.dataset?.name) state.data = c.dataset;
      for (const [k, from] of [['model', 'model'], ['loss', 'loss'], ['opt', 'optimizer'], ['sched', 'scheduler'], ['reg', 'regularization'], ['es', 'early_stopping'], ['clip', 'grad_clip']]) {
        state[k] = c[from] ?? (k === 'model' || k === 'loss' || k === 'opt' ? state[k] : null);
      }
      if (c.epochs) state.epochs = c.epochs;
      if (c.seed !== undefined) state.seed = c.seed;
      if (c.scheduler_interval) state.interval = c.scheduler_interval;
      if (c.batch_size === 'full') state.bmode = 'full';
      else if (c.batch_size === 1) state.bmode = 'sgd';
      else if (c.batch_size) { state.bmode = 'mini'; state.batch = c.batch_size; }
      room.save();
      if (c.dataset?.name) { room.csv = null; state.extra = []; await room.loadData(); }
      room.cur.run.dispose();
      room.cur = room.newSlot(state);
      room.cur.run = run;
      room.cur.spec = room.data.spec;
      await room.advance(room.cur, { args: { steps: 0 }, pictures: true, evaluate: true, force: true });
      room.renderControls();
      room.renderAll();
      room.notify(`Checkpoint loaded at step ${r.steps_done} (epoch ${r.epochs_done}): Play continues it exactly where it was saved.`);
    } catch (e) {
      room.notify(`${file.name} was not loaded: ${e.message}`, 'warn');
    }
    ckptIn.value = '';
  });

  return [el('h2', {}, 'Export'),
    el('div', { class: 'toolbar' }, [
      btn('History CSV', () => exportHistory('csv'), { id: 'train-history-csv' }),
      btn('History JSON', () => exportHistory('json'), { id: 'train-history-json' }),
      btn('Weights JSON', () => exportWeights(), { id: 'train-weights' }),
      btn('Checkpoint', () => exportCheckpoint(), { id: 'train-ckpt' }),
      btn('Loss chart PNG', () => download('steplab-training-loss.png', room.charts.loss.png()))]),
    el('label', { for: 'train-ckpt-file' }, 'Load a checkpoint and continue'), ckptIn];
}
