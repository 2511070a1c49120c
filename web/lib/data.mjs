// lab.dataset: the data sets of the C core (c/data/data.c) as plain typed
// arrays for plotting and training. A spec names a data set
// ({ name: 'moons', n_samples, noise, seed, val_fraction, standardize }) or
// gives explicit arrays ({ X: rows, y, task, val_fraction, standardize, seed, class_names }).
// The optical digits' pixels come as a separate file, dist/steplab-digits.bin.gz
// (44 KB; base64-embedded it would take 59 KB of the module's 150 KB): in Node
// loadSteplab() reads it from beside the module, in browsers lab.loadDataset('digits')
// fetches it (web/lib/steplab.mjs); loadSteplab({ digits: bytes }) passes it by hand.
import { fail, describe } from './errors.mjs';
import { specText } from './spec.mjs';
import { gunzip } from './core.mjs';

const THING = 'dataset';

// Rows of `width` finite numbers (width = row 0's length when not given), or one
// flat typed array when `flat` is allowed, as { data: Type array, n, width }.
// An array or a typed array (not a DataView): what a row or a list of numbers may be.
export const isRow = (r) => Array.isArray(r) || (ArrayBuffer.isView(r) && !(r instanceof DataView));

export function numberRows(v, { thing, field, width, min = 1, Type = Float64Array, flat = false }) {
  const bad = (where, what) => fail(thing, field, `${where}must be ${what}, got ${describe(v)}`);
  if (flat && isRow(v) && !Array.isArray(v)) {
    if (!v.length || v.length % width) bad('', `a multiple of ${width} numbers`);
    v = Array.from({ length: v.length / width }, (_, i) => v.subarray(i * width, (i + 1) * width));
  }
  if (!Array.isArray(v)) bad('', 'an array of rows (arrays of numbers)');
  if (v.length < min || v.length > 1000000) fail(thing, field, `must have ${min} to 1000000 rows, got ${v.length}`);
  width ??= isRow(v[0]) ? v[0].length : 0;
  if (!width || v.length * width > 16777216) fail(thing, field, `rows must hold 1 to ${Math.floor(16777216 / v.length)} numbers, got ${describe(v[0])}`);
  const data = new Type(v.length * width);
  v.forEach((row, i) => {
    if (!isRow(row) || row.length !== width) fail(thing, field, `row ${i} must be an array of ${width} numbers, got ${describe(row)}`);
    for (let j = 0; j < width; j++) {
      if (!Number.isFinite(row[j])) fail(thing, field, `row ${i}, column ${j} must be a finite number, got ${describe(row[j])}`);
      data[i * width + j] = row[j];
    }
  });
  return { data, n: v.length, width };
}

function splitNames(text) {
  return text ? text.split('|') : undefined;
}

// The class names an explicit data set may carry (lab.parseCSV gives them), n strings; the core
// keeps no names for explicit arrays, so they live in JS.
const classNames = (v, n) => (Array.isArray(v) && v.length === n && n && v.every((t) => typeof t === 'string' && t.length <= 200)
  ? [...v] : fail(THING, 'class_names', n ? `must be ${n} strings of at most 200 characters, got ${describe(v)}` : 'is only for classification'));

// Copies a C data set into JS arrays and frees it; TASKS: the core's task names.
function read(core, ptr, TASKS) {
  const x = core.x;
  try {
    const n = x.sl_dataset_n_samples(ptr);
    const d = x.sl_dataset_n_features(ptr);
    const task = TASKS[x.sl_dataset_task(ptr)];
    const n_train = x.sl_dataset_n_train(ptr);
    const Xp = x.sl_dataset_X(ptr) >> 2;
    const yp = x.sl_dataset_y(ptr) >> 2;
    const mp = x.sl_dataset_mean(ptr) >> 3;
    const sp = x.sl_dataset_scale(ptr) >> 3;
    const f32 = core.f32;
    const ys = f32.subarray(yp, yp + n);
    const out = {
      name: core.cstring(x.sl_dataset_name(ptr)),
      X: f32.slice(Xp, Xp + n * d),
      y: task === 'regression' ? Float32Array.from(ys) : Int32Array.from(ys),
      n_samples: n,
      n_features: d,
      n_classes: x.sl_dataset_n_classes(ptr),
      task,
      n_train,
      n_val: n - n_train,
      mean: core.f64.slice(mp, mp + d),
      scale: core.f64.slice(sp, sp + d),
    };
    const features = splitNames(core.cstring(x.sl_dataset_feature_names(ptr)));
    const classes = splitNames(core.cstring(x.sl_dataset_class_names(ptr)));
    if (features) out.feature_names = features;
    if (classes) out.class_names = classes;
    return out;
  } finally {
    x.sl_dataset_free(ptr);
  }
}

// Gives the core the digits' pixels: the bytes of dist/steplab-digits.bin.gz (or of the file ungzipped).
export async function loadDigits(core, data) {
  let bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
  if (!(bytes instanceof Uint8Array)) {
    fail('digits', 'data', `must be the bytes (Uint8Array or ArrayBuffer) of dist/steplab-digits.bin.gz, got ${describe(data)}`, 'state');
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await gunzip(bytes);
  core.scoped((s) => core.check(core.x.sl_data_digits_load(s.bytes(bytes), bytes.length)));
}

export async function install(lab, core, options = {}) {
  const x = core.x;
  const TASKS = lab.registry.trainer.tasks;

  if (options.digits !== undefined) await loadDigits(core, options.digits);

  /**
   * A data set as { name, X (Float32Array, n_samples x n_features, row-major), y (Int32Array class
   * indices or Float32Array targets), n_samples, n_features, n_classes, task, n_train, n_val, mean,
   * scale, feature_names?, class_names? }. Rows [0, n_train) are the training split, the rest the
   * validation split; X is standardised (X = (raw - mean) / scale) unless standardize: false.
   */
  lab.dataset = (spec) => {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      fail(THING, null, `spec must be an object with a 'name' (or X and y), got ${describe(spec)}`);
    }
    if (spec.X === undefined && spec.y === undefined) {
      const text = specText(spec, typeof spec.name === 'string' ? spec.name : THING);
      const ptr = core.scoped((s) => {
        const [sp, sl] = s.string(text);
        const out = s.outPtr();
        core.check(x.sl_dataset_create(sp, sl, out));
        return s.readPtr(out);
      });
      return read(core, ptr, TASKS);
    }
    if (spec.name !== undefined) fail(THING, 'name', 'must not be given with X and y (a named data set or explicit arrays, not both)');
    const X = numberRows(spec.X, { thing: THING, field: 'X', min: 2 });
    const n = X.n;
    if ((!Array.isArray(spec.y) && !ArrayBuffer.isView(spec.y)) || spec.y.length !== n) {
      fail(THING, 'y', `must hold one number per row of X (${n}), got ${describe(spec.y)}`);
    }
    const y = Float64Array.from(spec.y, (v, i) => (Number.isFinite(v) ? v : fail(THING, 'y', `row ${i} must be a finite number, got ${describe(v)}`)));
    const options = { ...spec, X: undefined, y: undefined, class_names: undefined };
    const text = specText(options, THING);
    const ptr = core.scoped((s) => {
      const xp = s.f64(X.data);
      const yp = s.f64(y);
      const [sp, sl] = s.string(text);
      const out = s.outPtr();
      core.check(x.sl_dataset_from_arrays(xp, n, X.width, yp, sp, sl, out));
      return s.readPtr(out);
    });
    const out = read(core, ptr, TASKS);
    if (spec.class_names !== undefined) out.class_names = classNames(spec.class_names, out.n_classes);
    return out;
  };
  /**
   * CSV text (UTF-8, a byte-order mark skipped; a header line optional; ',', ';' or tab; LF, CRLF
   * or CR line ends) read by the core's parser as an explicit data set: { dataset: { X, y, task,
   * class_names? }, feature_names, target_name, class_names? }. The target is the
   * column named or numbered by options.target (default the last). A target of text labels
   * ("inner", "outer") is classes, numbered in sorted order (as sklearn's LabelEncoder does), its
   * labels kept as class_names. The task is options.task, or inferred: text labels are binary when
   * there are two, multiclass otherwise; integer targets in [0, 255] with at most 20 distinct
   * values are classes (binary when only 0 and 1); anything else is regression. Every other column
   * must hold numbers.
   */
  lab.parseCSV = (text, options = {}) => {
    if (typeof text !== 'string') fail('CSV', 'text', `must be a string, got ${describe(text)}`);
    let { target, task } = options ?? {};
    // a data set's tasks: the trainer's less 'embedding', which a metric-learning loss makes of a classification set
    const dataTasks = TASKS.filter((t) => t !== 'embedding');
    if (task !== undefined && !dataTasks.includes(task)) fail('CSV', 'task', `must be one of ${dataTasks.join(', ')}, got ${describe(task)}`);
    return core.scoped((s) => {
      const [tp, tl] = s.string(text);
      const out = s.outPtr();
      core.check(x.sl_csv_parse(tp, tl, out));
      const c = s.readPtr(out);
      try {
        const n = x.sl_csv_rows(c);
        const cols = x.sl_csv_cols(c);
        const names = splitNames(core.cstring(x.sl_csv_names(c))) ?? Array.from({ length: cols }, (_, j) => `column ${j + 1}`);
        const t = target === undefined ? cols - 1 : typeof target === 'string' ? names.indexOf(target) : target;
        if (!Number.isInteger(t) || t < 0 || t >= cols) {
          fail('CSV', 'target', `must be a column name (${names.join(', ')}) or an index in [0, ${cols - 1}], got ${describe(target)}`);
        }
        if (cols < 2) fail('CSV', 'text', `needs at least 2 columns (features and a target), got ${cols}`);
        core.check(x.sl_csv_labels(c, tp, tl, t, task === 'regression'));
        const class_names = splitNames(core.cstring(x.sl_csv_label_names(c)));
        if (class_names) task ??= class_names.length === 2 ? 'binary' : 'multiclass';
        const v = core.copy(Float64Array, x.sl_csv_values(c), n * cols);
        const y = new Float64Array(n);
        const X = Array.from({ length: n }, (_, i) => {
          y[i] = v[i * cols + t];
          const row = new Float64Array(cols - 1);
          for (let j = 0, k = 0; j < cols; j++) if (j !== t) row[k++] = v[i * cols + j];
          return row;
        });
        if (task === undefined) {
          const classes = y.every((u) => Number.isInteger(u) && u >= 0 && u <= 255) ? new Set(y) : null;
          task = classes && classes.size <= 20 ? (y.every((u) => u <= 1) ? 'binary' : 'multiclass') : 'regression';
        }
        const feature_names = names.filter((_, j) => j !== t);
        const r = { dataset: { X, y, task }, feature_names, target_name: names[t] };
        if (class_names) r.dataset.class_names = r.class_names = class_names;
        return r;
      } finally {
        x.sl_csv_free(c);
      }
    });
  };
}
