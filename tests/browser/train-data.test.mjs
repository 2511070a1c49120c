// The Training room's data as people have it (issue 16): a CSV's header names the picture's axes; a
// regression target in the 100 000s is trained standardised (the loss moves instead of sitting at
// 1e11) and its errors are shown in its own units on an axis that says MSE; the history exports as
// one tidy table that Python's csv module (pandas where installed) reads as is.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { launch, distUrl, openPage as openPageIn, shotsDir } from './browser.mjs';

let browser;
const sink = { errors: [], foreign: [] };
const openPage = (url) => openPageIn(browser, url, sink);
const ready = (page) => page.waitForFunction(() => window.steplabTraining?.getConfig() && document.body.dataset.trainStatus === 'new');
const finished = (page, timeout = 30000) => page.waitForFunction(() => ['done', 'stopped', 'diverged', 'error'].includes(document.body.dataset.trainStatus)
  && document.getElementById('train-play').textContent === 'Play', null, { timeout });
const csv = (page, name, text) => page.setInputFiles('#train-csv', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a classification CSV: its header names the axes; its history is one tidy table', async () => {
  const page = await openPage(distUrl('index.html#/train?speed=0&epochs=5'));
  await ready(page);
  const rows = Array.from({ length: 60 }, (_, i) => `${(Math.cos(i) * (1 + (i % 2))).toFixed(4)},${(Math.sin(i) * (1 + (i % 2))).toFixed(4)},${i % 2 ? 'outer' : 'inner'}`);
  await csv(page, 'rings.csv', `width,height,ring\n${rows.join('\n')}\n`);
  await page.waitForFunction(() => document.getElementById('train-data').dataset.axes?.startsWith('width'));
  assert.equal(await page.getAttribute('#train-data', 'data-axes'), 'width → , height ↑ (standardised)');
  await page.click('#train-play');
  await finished(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#train-history-csv')]);
  const file = `${shotsDir}history.csv`;
  await download.saveAs(file);
  const text = fs.readFileSync(file, 'utf8');
  assert.doesNotMatch(text, /NaN|\n\n/);
  const py = `
import csv, sys, json
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
assert all(len(r) == 4 and None not in r for r in rows), 'ragged rows'
out = {'fields': list(rows[0].keys()), 'levels': sorted(set(r['level'] for r in rows)),
       'epochs': sorted(set(int(r['index']) for r in rows if r['level'] == 'epoch')),
       'quantities': sorted(set(r['quantity'] for r in rows if r['level'] == 'epoch'))}
try:
    import pandas as pd
    df = pd.read_csv(sys.argv[1])
    wide = df[df.level == 'epoch'].pivot(index='index', columns='quantity', values='value')
    out['pandas'] = list(wide.shape)
except ImportError:
    pass
print(json.dumps(out))`;
  const got = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' }));
  assert.deepEqual(got.fields, ['level', 'index', 'quantity', 'value']);
  assert.deepEqual(got.levels, ['epoch', 'step']);
  assert.deepEqual(got.epochs, [1, 2, 3, 4, 5]);
  assert.deepEqual(got.quantities, ['train_accuracy', 'train_loss', 'val_accuracy', 'val_loss']);
  if (got.pandas) assert.deepEqual(got.pandas, [5, 4]);
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('a regression CSV with targets in the 100 000s trains standardised and shows MSE in its own units', async () => {
  const page = await openPage(distUrl('index.html#/train?speed=0&epochs=40'));
  await ready(page);
  const rows = Array.from({ length: 120 }, (_, i) => {
    const area = 40 + i;
    return `${area},${Math.round(150000 + 2500 * area + 8000 * Math.sin(i * 1.7))}`;
  });
  await csv(page, 'houses.csv', `area,price\n${rows.join('\n')}\n`);
  await page.waitForFunction(() => document.getElementById('train-data').dataset.axes?.startsWith('area'));
  assert.equal(await page.getAttribute('#train-data', 'data-axes'), 'area → , price ↑ (standardised)');
  assert.match(await page.textContent('#train-data-note'), /The target price is trained standardised \(mean [\d.]+, sd [\d.]+\); MSE and MAE are shown in its own units\./);
  await page.click('#train-play');
  await finished(page);
  const s = await page.evaluate(() => window.steplabTraining.series());
  assert.ok(s.train_loss[0] < 10, `the first epoch's loss ${s.train_loss[0]} is on the standardised target`);
  assert.ok(s.train_loss.at(-1) < 0.2 * s.train_loss[0], `the loss moves: ${s.train_loss[0]} -> ${s.train_loss.at(-1)}`);
  const labels = await page.evaluate(() => [window.steplabTraining.charts.metric.yLabel, window.steplabTraining.charts.loss.yLabel]);
  assert.deepEqual(labels, ['MSE (price²)', 'loss (standardised)']);
  // the chart's y axis as drawn (uPlot's axis label)
  assert.equal(await page.evaluate(() => window.steplabTraining.charts.metric.plot.axes[1].label), 'MSE (price²)');
  // the metrics table: MSE in price² (the standardised MSE times sd²), so about 1e7 here, not 1e-2
  const mse = await page.$$eval('#train-metrics-table tbody tr', (trs) => Number(trs.find((r) => r.firstChild.textContent === 'MSE').children[2].textContent));
  const metricChart = await page.evaluate(() => Array.from(window.steplabTraining.charts.metric.series[1].values).at(-1));
  assert.ok(mse > 1e6 && mse < 1e9, `validation MSE ${mse}`);
  assert.ok(Math.abs(metricChart - mse) / mse < 1e-5, `chart ${metricChart}, table ${mse}`);
  // the PyTorch script trains on the same standardised target and says how to get back to its units
  const script = await page.textContent('#train-code');
  assert.match(script, /# the target too: y = \(price - y_mean\) \/ y_sd/);
  assert.match(script, /\ny_mean, y_sd = [\d.]+, [\d.]+\n/);
  execFileSync('/usr/bin/python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: script });
  await page.screenshot({ path: `${shotsDir}train-regression-csv.png`, fullPage: true });
  await page.close();
  assert.deepEqual(sink.errors, []);
});
