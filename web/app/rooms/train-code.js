// The Training room's PyTorch export: one runnable script with the data, the
// model, the loss, the optimizer, the scheduler and the loop of the current
// setup, following what the trainer does (c/train/train.c): the penalty over
// every parameter, clipping before the step, the scheduler after it (or once
// an epoch), ReduceLROnPlateau on the validation loss, early stopping.
import { py, schedulerLines } from '../pytorch.js';
import { paramGroupLines, snapshotLines } from './train-groups-config.js';
import { optimizerClass } from '../pytorch-optim.js';
import { customOptimizerPython, customLossPython, RULE_HELPERS } from '../pytorch-rule.js';

const ACT = { relu: 'nn.ReLU()', leaky_relu: 'nn.LeakyReLU(0.01)', tanh: 'nn.Tanh()', sigmoid: 'nn.Sigmoid()', gelu: 'nn.GELU()', linear: null };
// Above this many numbers the data are loaded with a library call instead of written out.
const LITERAL_MAX = 24000;
const LOADERS = {
  digits: ['from sklearn.datasets import load_digits', 'X_all, y_all = load_digits(return_X_y=True)'],
  iris: ['from sklearn.datasets import load_iris', 'X_all, y_all = load_iris(return_X_y=True)'],
};

const rows = (X, d, from, to) => {
  const out = [];
  for (let i = from; i < to; i++) out.push(`[${Array.from(X.subarray(i * d, (i + 1) * d), num).join(', ')}]`);
  return `[${out.join(',\n    ')}]`;
};
const num = (v) => (Number.isInteger(v) ? String(v) : String(+v.toPrecision(7)));
const kw = (spec, skip = []) => Object.entries(spec).filter(([k, v]) => k !== 'type' && !skip.includes(k) && v !== undefined).map(([k, v]) => `${k}=${py(v)}`);

function dataLines(data, config) {
  const { n_train: nt, n_samples: n, n_features: d, task } = data;
  const yType = task === 'regression' ? 'torch.float32' : 'torch.long';
  const ds = config.dataset || {};
  if (n * d > LITERAL_MAX && LOADERS[ds.name]) {
    return [
      `# the ${ds.name} data set from scikit-learn, split ${Math.round((1 - (ds.val_fraction ?? 0.2)) * 100)} / ${Math.round((ds.val_fraction ?? 0.2) * 100)}`,
      '# (steplab splits stratified by class with its own seed, so the rows differ) and standardised',
      '# with the training split\'s mean and standard deviation, as steplab does',
      ...LOADERS[ds.name],
      'from sklearn.model_selection import train_test_split',
      `X_tr, X_va, y_tr, y_va = train_test_split(X_all, y_all, test_size=${py(ds.val_fraction ?? 0.2)}, stratify=y_all, random_state=${config.seed ?? 0})`,
      'mean, std = X_tr.mean(0), X_tr.std(0)',
      'std[std == 0] = 1',
      'X_train = torch.tensor((X_tr - mean) / std, dtype=torch.float32)',
      'X_val = torch.tensor((X_va - mean) / std, dtype=torch.float32)',
      `y_train = torch.tensor(y_tr, dtype=${yType})`,
      `y_val = torch.tensor(y_va, dtype=${yType})`,
    ];
  }
  const what = ds.name ? `steplab's '${ds.name}' data set (${Object.entries(ds).filter(([k]) => k !== 'name').map(([k, v]) => `${k}=${v}`).join(', ')})` : 'the data in the page';
  const ys = data.y_scale;
  return [
    `# ${what}: exactly the rows steplab trains on,`,
    '# already standardised with the training split\'s mean and standard deviation',
    ...(ys ? [`# the target too: y = (${data.target_name || 'target'} - y_mean) / y_sd, so an MSE times y_sd ** 2 is in its units`,
      `y_mean, y_sd = ${py(ys.mean)}, ${py(ys.sd)}`] : []),
    `X_train = torch.tensor(${rows(data.X, d, 0, nt)}, dtype=torch.float32)`,
    `y_train = torch.tensor([${Array.from(data.y.subarray(0, nt), num).join(', ')}], dtype=${yType})`,
    `X_val = torch.tensor(${nt < n ? rows(data.X, d, nt, n) : '[]'}, dtype=torch.float32)${nt < n ? '' : `.reshape(0, ${d})`}`,
    `y_val = torch.tensor([${Array.from(data.y.subarray(nt, n), num).join(', ')}], dtype=${yType})`,
  ];
}

function modelLines(sizes, model) {
  const layers = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    layers.push(`nn.Linear(${sizes[l]}, ${sizes[l + 1]})`);
    if (l + 2 < sizes.length && ACT[model.activation]) layers.push(ACT[model.activation]);
  }
  const lines = [`model = nn.Sequential(${layers.join(', ')})`];
  if (model.init === 'xavier' || model.init === 'he') {
    lines.push('for m in model:', '    if isinstance(m, nn.Linear):',
      model.init === 'xavier' ? '        nn.init.xavier_uniform_(m.weight)' : "        nn.init.kaiming_uniform_(m.weight, nonlinearity='relu')  # U(-sqrt(6 / fan_in), +)",
      '        nn.init.zeros_(m.bias)');
  } else {
    lines.push('# PyTorch\'s default nn.Linear initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases');
  }
  return lines;
}

// Metric learning: the trainer's tuples of a batch (c/train/train.h): row i's positive is the next row of
// its class after it, cyclically within the batch, its negative the next row of another class, or the
// mined one ('hard': the nearest other-class row; 'semi-hard': the nearest farther than the positive, else
// the farthest).
function embeddingLines(loss, mining) {
  const m = loss.margin ?? 1;
  const L = ['def tuples(emb, y, mining=None):', '    n, y = len(y), y.tolist()', '    d2 = torch.cdist(emb.detach(), emb.detach()) ** 2',
    '    out = []', '    for i in range(n):',
    '        pos = next((j % n for j in range(i + 1, i + n) if y[j % n] == y[i]), None)',
    '        neg = next((j % n for j in range(i + 1, i + n) if y[j % n] != y[i]), None)',
    '        if neg is not None and mining:',
    '            others = [j for j in range(n) if y[j] != y[i]]',
    '            dap = d2[i, pos] if pos is not None else 0',
    "            near = [j for j in others if mining == 'hard' or d2[i, j] > dap]",
    '            neg = min(near, key=lambda j: d2[i, j]) if near else max(others, key=lambda j: d2[i, j])',
    '        out.append((i, pos, neg))', '    return out', ''];
  if (loss.type === 'TripletMarginLoss') {
    L.push(`criterion = nn.TripletMarginLoss(${kw(loss).join(', ')})`, '',
      'def loss_fn(emb, y, mining=None):', '    t = [(i, p, q) for i, p, q in tuples(emb, y, mining) if p is not None and q is not None]',
      '    if not t:', '        return emb.sum() * 0', '    a, p, q = (torch.tensor(c) for c in zip(*t))', '    return criterion(emb[a], emb[p], emb[q])');
  } else {
    L.push('def loss_fn(emb, y, mining=None):',
      '    # pairs (i, positive) labelled 0 and (i, negative) labelled 1: 0.5 D^2 and 0.5 max(0, margin - D)^2',
      '    pairs = [(i, p, 0) for i, p, q in tuples(emb, y, mining) if p is not None] + [(i, q, 1) for i, p, q in tuples(emb, y, mining) if q is not None]',
      '    if not pairs:', '        return emb.sum() * 0', '    a, b, lab = (torch.tensor(c) for c in zip(*pairs))',
      '    d2 = ((emb[a] - emb[b]) ** 2).sum(1)',
      `    loss = torch.where(lab == 0, 0.5 * d2, 0.5 * torch.clamp(${py(m)} - (d2 + 1e-12).sqrt(), min=0) ** 2)`,
      `    return loss.${loss.reduction === 'sum' ? 'sum' : 'mean'}()`);
  }
  L.push('', 'def centroid_accuracy(emb_train, y_train, emb, y):  # the nearest class centroid in embedding space',
    '    c = torch.stack([emb_train[y_train == k].mean(0) for k in range(int(y_train.max()) + 1)])',
    '    return (torch.cdist(emb, c).argmin(1) == y).float().mean().item()');
  return L;
}

// The loss as `loss_fn(out, y)` on the model's raw outputs, in the trainer's conventions.
function lossLines(loss, task) {
  const { type } = loss;
  const args = kw(loss).join(', ');
  const squeeze = task === 'binary' || task === 'regression';
  const wrap = (expr) => [`def loss_fn(out, y):`, `    return ${expr}`];
  switch (type) {
    case 'Custom': // your own loss, written as a formula (web/app/pytorch-rule.js)
      return [...RULE_HELPERS, '', ...customLossPython(loss), '', ...wrap('written_loss(out.squeeze(1), y.float())')];
    case 'BCEWithLogitsLoss':
    case 'MSELoss': case 'L1Loss': case 'HuberLoss': case 'SmoothL1Loss':
      return [`criterion = nn.${type}(${args})`, ...wrap(`criterion(out.squeeze(1), y${type === 'BCEWithLogitsLoss' ? '.float()' : ''})`)];
    case 'CrossEntropyLoss': case 'MultiMarginLoss':
      return [`criterion = nn.${type}(${args})`, ...wrap('criterion(out, y)')];
    case 'HingeLoss': case 'SquaredHingeLoss': {
      const red = loss.reduction === 'sum' ? 'sum' : 'mean';
      return ['def loss_fn(out, y):', `    # ${type === 'HingeLoss' ? 'max(0, 1 - t f(x))' : 'max(0, 1 - t f(x))^2'} with labels t = -1 / +1`,
        '    t = 2 * y.float() - 1',
        `    return (torch.clamp(1 - t * out.squeeze(1), min=0)${type === 'SquaredHingeLoss' ? ' ** 2' : ''}).${red}()`];
    }
    case 'FocalLoss': {
      const alpha = loss.alpha ?? 0.25, gamma = loss.gamma ?? 2, red = loss.reduction ?? 'mean';
      if (squeeze) {
        return ['def loss_fn(out, y):', '    # sigmoid focal loss, as torchvision.ops.sigmoid_focal_loss: alpha_t (1 - p_t)^gamma BCE',
          '    x, t = out.squeeze(1), y.float()',
          "    ce = nn.functional.binary_cross_entropy_with_logits(x, t, reduction='none')",
          '    p = torch.sigmoid(x)',
          '    p_t = p * t + (1 - p) * (1 - t)',
          `    loss = ce * (1 - p_t) ** ${py(gamma)}`,
          ...(alpha >= 0 ? [`    loss = (${py(alpha)} * t + ${py(1 - alpha)} * (1 - t)) * loss`] : []),
          `    return loss.${red === 'sum' ? 'sum' : 'mean'}()`];
      }
      return ['def loss_fn(out, y):', '    # softmax focal loss: -alpha (1 - p_y)^gamma log p_y',
        '    logp = torch.log_softmax(out, dim=1).gather(1, y[:, None]).squeeze(1)',
        `    loss = -${py(alpha >= 0 ? alpha : 1)} * (1 - logp.exp()) ** ${py(gamma)} * logp`,
        `    return loss.${red === 'sum' ? 'sum' : 'mean'}()`];
    }
    default:
      return [`criterion = nn.${type}(${args})`, ...wrap(`criterion(out${squeeze ? '.squeeze(1)' : ''}, y)`)];
  }
}

const tuples = (a) => a.replace(/^betas=\[(.*)\]$/, 'betas=($1)').replace(/^(etas|step_sizes)=\[(.*)\]$/, '$1=($2)');
function optimizerLines(opt) {
  if (opt.type === 'Custom') return [...RULE_HELPERS, '', ...customOptimizerPython(opt), '', 'optimizer = WrittenRule(model.parameters())'];
  if (opt.type !== 'DeltaBarDelta') {
    // LARS and SWATS are not in torch.optim: the script defines them (pytorch-optim.js); the trainer's
    // optimizer-level lars_exclude means the biases
    const cls = optimizerClass(opt.type);
    const top = opt.type === 'LARS' && opt.lars_exclude ? { ...opt, lars_exclude: 'biases' } : opt;
    const args = kw(top, ['param_groups']).map(tuples);
    const groups = paramGroupLines(opt, (k, v) => tuples(`${k}=${py(v)}`)); // train-groups-config.js
    return [...(cls ?? []), ...groups,
      `optimizer = ${cls ? opt.type : `torch.optim.${opt.type}`}(${groups.length ? 'param_groups' : 'model.parameters()'}, ${args.join(', ')})`];
  }
  const beta = opt.beta ?? 0.05, lo = opt.min_gain ?? 0.01, hi = opt.max_gain ?? 10;
  return ['# the local-gain rule (not in torch.optim): a gain per weight, +beta while the gradient keeps its sign,',
    '# times (1 - beta) when it flips, clamped to [min_gain, max_gain]; step = lr * gain * grad',
    'class DeltaBarDelta(torch.optim.Optimizer):',
    `    def __init__(self, params, lr, beta=${py(beta)}, min_gain=${py(lo)}, max_gain=${py(hi)}):`,
    '        super().__init__(params, dict(lr=lr, beta=beta, min_gain=min_gain, max_gain=max_gain))',
    '',
    '    @torch.no_grad()',
    '    def step(self):',
    '        for g in self.param_groups:',
    "            for p in g['params']:",
    "                st = self.state[p]",
    "                if not st:",
    "                    st['gain'] = torch.ones_like(p)",
    "                    st['prev'] = torch.zeros_like(p)",
    "                same = (p.grad * st['prev']) > 0",
    "                flip = (p.grad * st['prev']) < 0",
    "                st['gain'] = torch.where(same, st['gain'] + g['beta'], torch.where(flip, st['gain'] * (1 - g['beta']), st['gain']))",
    "                st['gain'].clamp_(g['min_gain'], g['max_gain'])",
    "                st['prev'] = p.grad.clone()",
    "                p.sub_(g['lr'] * st['gain'] * p.grad)",
    '',
    `optimizer = DeltaBarDelta(model.parameters(), lr=${py(opt.lr ?? 0.01)}, beta=${py(beta)}, min_gain=${py(lo)}, max_gain=${py(hi)})`];
}

function penaltyLines(reg) {
  if (!reg) return [];
  const term = {
    L1: `${py(reg.lambda)} * sum(p.abs().sum() for p in model.parameters())`,
    L2: `${py(reg.lambda)} * sum((p ** 2).sum() for p in model.parameters())`,
    ElasticNet: `sum(${py(reg.l1)} * p.abs().sum() + ${py(reg.l2)} * (p ** 2).sum() for p in model.parameters())`,
  }[reg.type];
  return ['', `def penalty():  # ${reg.type} over every parameter, added to the loss`, `    return ${term}`];
}

/**
 * A complete PyTorch script for a trainer config, given the data set as lab.dataset returns it
 * (standardised rows, training split first) and the network's layer sizes.
 */
export function trainingScript(config, data, sizes) {
  const task = data.task;
  const batch = config.batch_size === 'full' ? 'n_train' : String(config.batch_size);
  const sched = config.scheduler;
  const perStep = sched && sched.type !== 'ReduceLROnPlateau' && (config.scheduler_interval ?? 'step') === 'step';
  const clip = config.grad_clip;
  const es = config.early_stopping;
  const embed = config.loss.type === 'ContrastiveLoss' || config.loss.type === 'TripletMarginLoss';
  const mining = config.mining && config.mining !== 'random' ? `, ${py(config.mining)}` : '';
  const bss = config.batch_size_schedule;
  const before = perStep && config.scheduler_order === 'before';
  const metric = embed ? ['accuracy', 'centroid_accuracy(model(X_train), y_train, out, y_val)']
    : task === 'regression' ? ['mse', '((out.squeeze(1) - y_val) ** 2).mean().item()']
    : task === 'binary' ? ['accuracy', '((out.squeeze(1) > 0).long() == y_val).float().mean().item()']
      : ['accuracy', '(out.argmax(1) == y_val).float().mean().item()'];
  const L = [
    '# steplab training setup as a PyTorch script (python3 train.py); needs torch' + (LOADERS[config.dataset?.name] && data.n_samples * data.n_features > LITERAL_MAX ? ' and scikit-learn' : ''),
    'import math', 'import torch', 'from torch import nn', '',
    `torch.manual_seed(${config.seed ?? 0})`, '',
    ...dataLines(data, config),
    'n_train = len(X_train)', '',
    ...modelLines(sizes, config.model), '',
    ...(embed ? embeddingLines(config.loss, config.mining) : lossLines(config.loss, task)),
    ...penaltyLines(config.regularization), '',
    ...optimizerLines(config.optimizer),
    ...(sched ? schedulerLines(sched) : []), '',
  ];
  const snap = snapshotLines(config, task); // train-groups-config.js
  L.push(...snap.setup);
  if (es) L.push(`best_val, bad_epochs, patience, min_delta = math.inf, 0, ${es.patience ?? 5}, ${py(es.min_delta ?? 0)}`, 'best_state = None');
  L.push(`batch = ${batch}`);
  L.push(`for epoch in range(${config.epochs ?? 10}):`);
  if (bss) {
    L.push(`    if epoch in ${py(bss.milestones)}:  # the batch-size schedule: B times gamma at the start of these epochs`,
      `        batch = min(max(round(batch * ${py(bss.gamma ?? 2)}), 1), n_train)`);
  }
  L.push('    model.train()',
    config.shuffle === false ? '    order = torch.arange(n_train)' : '    order = torch.randperm(n_train)',
    '    for i in range(0, n_train, batch):',
    '        idx = order[i:i + batch]',
    '        optimizer.zero_grad()',
    `        loss = loss_fn(model(X_train[idx]), y_train[idx]${embed ? mining : ''})${config.regularization ? ' + penalty()' : ''}`,
    '        if not torch.isfinite(loss):',
    "            raise SystemExit(f'diverged at epoch {epoch}: loss {loss.item()}')",
    '        loss.backward()');
  if (clip?.max_norm !== undefined) L.push(`        nn.utils.clip_grad_norm_(model.parameters(), max_norm=${py(clip.max_norm)}${clip.norm_type !== undefined ? `, norm_type=${py(clip.norm_type)}` : ''})`);
  if (clip?.clip_value !== undefined) L.push(`        nn.utils.clip_grad_value_(model.parameters(), clip_value=${py(clip.clip_value)})`);
  if (before) L.push('        scheduler.step()  # before optimizer.step(): the mistake PyTorch warns about; the first lr is skipped');
  L.push('        optimizer.step()');
  if (perStep && !before) L.push('        scheduler.step()  # once per optimizer step', ...snap.restart('        '));
  L.push('    model.train(False)  # evaluation mode (what model.eval does)', '    with torch.no_grad():', '        out = model(X_val)',
    '        val_loss = loss_fn(out, y_val).item()', `        val_${metric[0]} = ${metric[1]}`);
  if (sched?.type === 'ReduceLROnPlateau') L.push('    scheduler.step(val_loss)  # watches the validation loss');
  else if (sched && !perStep) L.push('    scheduler.step()  # once per epoch', ...snap.restart('    '));
  L.push(`    print(f"epoch {epoch + 1}: val_loss {val_loss:.4f}, val_${metric[0]} {val_${metric[0]}:.4f}, lr {optimizer.param_groups[0]['lr']:.6g}")`, ...snap.report);
  if (es) {
    L.push('    if val_loss < best_val - min_delta:', '        best_val, bad_epochs = val_loss, 0',
      '        best_state = {k: v.clone() for k, v in model.state_dict().items()}', '    else:', '        bad_epochs += 1',
      '        if bad_epochs >= patience:  # counted as Keras and Lightning do', "            print(f'early stopping after epoch {epoch + 1}')", '            break');
    if (es.restore_best !== false) L.push('if best_state is not None:', '    model.load_state_dict(best_state)  # restore_best');
  }
  return L.join('\n') + '\n';
}
