// The Training room's parameter groups and snapshot ensemble as settings (no DOM, like
// train-config.js): the URL-hash entries, the createTrainer config they add (per-layer rate
// multipliers as optimizer.param_groups, snapshot_ensemble with CosineAnnealingWarmRestarts)
// and the legend's words. The controls and read-outs are in train-groups.js.
export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const MAX_LAYERS = 7; // the room's models: up to 6 hidden layers and the head
export const SNAPSHOT_SCHED = 'CosineAnnealingWarmRestarts';

// The URL-hash entries: lrmult, one multiplier per linear layer (null: all 1); snap, the ensemble.
export const GROUP_PROPS = {
  lrmult: { type: 'json', def: null, check: (v) => (v === null || (Array.isArray(v) && v.length >= 1 && v.length <= MAX_LAYERS && v.every((m) => isNum(m) && m >= 0 && m <= 1000))
    ? null : 'lrmult must be up to 7 multipliers in [0, 1000], one per layer') },
  snap: { type: 'bool', def: false },
};

export const layerCount = (state) => state.model.hidden.length + 1;
// The multiplier of layer i (1 where none is set, or past the list after the model changed).
export const multOf = (state, i) => (Array.isArray(state.lrmult) && isNum(state.lrmult[i]) ? state.lrmult[i] : 1);

/** The optimizer's lr in a config: its own, or the type's default from the registry. */
function baseLr(reg, opt) {
  if (isNum(opt.lr)) return opt.lr;
  const p = reg?.params('optimizers', opt.type).find((q) => q.name === 'lr');
  return isNum(p?.default) ? p.default : 0.001;
}

/** Adds the room's groups and ensemble to a createTrainer config (mutates and returns it). */
export function applyGroups(reg, config, state) {
  const groups = [];
  const lr = baseLr(reg, config.optimizer);
  for (let i = 0; i < layerCount(state); i++) {
    const m = multOf(state, i);
    if (m !== 1) groups.push({ params: [`fc${i + 1}.weight`, `fc${i + 1}.bias`], lr: +(lr * m).toPrecision(12) }); // 0.02, not 0.020000000000000004
  }
  if (groups.length) config.optimizer = { ...config.optimizer, param_groups: groups };
  if (state.snap && state.sched?.type === SNAPSHOT_SCHED) config.snapshot_ensemble = true;
  return config;
}

/** A legend suffix for runLabel: "+ layer rates ×0.1-1" and "+ snapshots". */
export function groupsLabel(state) {
  const parts = [];
  const ms = Array.from({ length: layerCount(state) }, (_, i) => multOf(state, i));
  if (ms.some((m) => m !== 1)) parts.push(`layer rates ×${ms.join('-')}`);
  if (state.snap && state.sched?.type === SNAPSHOT_SCHED) parts.push('snapshots');
  return parts;
}

/**
 * The PyTorch script's parameter groups (optimizer.param_groups naming tensors fc1.weight, ...):
 * lines that build `param_groups` from the model's nn.Linear layers (the tensors no entry
 * names form a last group with the defaults), or [] without groups. fmt: one option as Python.
 */
export function paramGroupLines(opt, fmt) {
  if (!Array.isArray(opt.param_groups) || !opt.param_groups.length) return [];
  const named = opt.param_groups.flatMap((g) => g.params ?? []);
  const entry = (g) => {
    const opts = Object.entries(g).filter(([k, v]) => k !== 'params' && v !== undefined).map(([k, v]) => fmt(k, v));
    return `    dict(params=[tensors[n] for n in ${pyList(g.params ?? [])}]${opts.length ? `, ${opts.join(', ')}` : ''}),`;
  };
  return ['# parameter groups by tensor name: fc1.weight is the first nn.Linear\'s weight',
    'linears = [m for m in model if isinstance(m, nn.Linear)]',
    "tensors = {f'fc{k + 1}.{name}': p for k, m in enumerate(linears) for name, p in m.named_parameters()}",
    'param_groups = [', ...opt.param_groups.map(entry), ']',
    `rest = [p for n, p in tensors.items() if n not in ${pyList(named).replace(/^\[(.*)\]$/, '{$1}') || 'set()'}]`,
    'if rest:  # the tensors no group names: one last group with the defaults',
    '    param_groups.append(dict(params=rest))'];
}
const pyList = (names) => `[${names.map((n) => `'${String(n).replace(/[^\w.]/g, '')}'`).join(', ')}]`;

/**
 * The PyTorch script's snapshot ensemble (config.snapshot_ensemble): `setup` defines the
 * snapshots' summed validation predictions and take_snapshot(); `restart(indent)` takes one
 * after a scheduler.step() that restarted the cycle; `report` prints the ensemble's metric.
 * Empty without the option. task: 'binary', 'multiclass' or 'regression'.
 */
export function snapshotLines(config, task) {
  if (!config.snapshot_ensemble) return { setup: [], restart: () => [], report: [] };
  const prob = task === 'binary' ? 'torch.sigmoid(model(X_val).squeeze(1))' : task === 'multiclass' ? 'torch.softmax(model(X_val), 1)' : 'model(X_val).squeeze(1)';
  const metric = task === 'binary' ? "'accuracy', ((ens > 0.5).long() == y_val).float().mean().item()"
    : task === 'multiclass' ? "'accuracy', (ens.argmax(1) == y_val).float().mean().item()" : "'mse', ((ens - y_val) ** 2).mean().item()";
  return {
    setup: ['', '# snapshot ensemble (Huang et al. 2017): the model at the end of each cosine cycle, its validation',
      '# predictions summed; the ensemble predicts their mean', 'snap_sum, n_snapshots = 0, 0', '',
      'def take_snapshot():', '    global snap_sum, n_snapshots', '    with torch.no_grad():', `        snap_sum = snap_sum + ${prob}`,
      '    n_snapshots += 1'],
    restart: (pad) => [`${pad}if scheduler.T_cur == 0:  # a warm restart: the cycle's last model is a snapshot`, `${pad}    take_snapshot()`],
    report: ['    if n_snapshots:', '        ens = snap_sum / n_snapshots', `        name, value = ${metric}`,
      "        print(f'  snapshot ensemble of {n_snapshots}: val_{name} {value:.4f}')"],
  };
}
