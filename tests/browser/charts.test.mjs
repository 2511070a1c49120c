// The shared line chart (web/shared/chart.js) in headless Chromium, through the Training room's
// charts: finding 3 of issue 16 (SGD lr = 50 with the log scale on; gradient norms of 0 and ~1e-31),
// and values no axis can hold (0, negative, denormal, 1e40, infinite, NaN) on a log and a linear
// scale: each draws an axis with ticks, without an error, in the window uPlot can split. The run trains as fast as
// possible (speed=0), which is where the page froze.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, distUrl, openPage as openPageIn } from './browser.mjs';

let browser;
const sink = { errors: [], foreign: [] };
const openPage = (url) => openPageIn(browser, url, sink);
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('SGD with lr 50 and the log scale on trains to the end; the gradient chart keeps its axis', async () => {
  const page = await openPage(distUrl('index.html') + '#/train?log=1&speed=0&epochs=100&opt=' + encodeURIComponent(JSON.stringify({ type: 'SGD', lr: 50 })));
  await page.waitForFunction(() => window.steplabTraining?.getConfig() && document.body.dataset.trainStatus === 'new', null, { timeout: 30000 });
  await page.click('#train-play');
  await page.waitForFunction(() => ['done', 'stopped', 'diverged', 'error'].includes(document.body.dataset.trainStatus), null, { timeout: 60000 });
  const g = await page.evaluate(() => {
    const c = window.steplabTraining.charts.grad;
    return { n: c.series[0].values.length, small: Array.from(c.series[0].values).filter((v) => v < 1e-20).length,
      min: c.plot.scales.y.min, max: c.plot.scales.y.max, ticks: c.plot.axes[1]._values?.filter(Boolean).length ?? 0 };
  });
  assert.ok(g.n > 0 && g.small > 0, `the run has gradient norms below 1e-20 (${JSON.stringify(g)})`);
  assert.ok(g.min > 0 && g.max > g.min && g.max / g.min <= 1e13 && g.ticks > 0, JSON.stringify(g));
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('values no axis can hold draw with ticks on log and linear scales', async () => {
  const page = await openPage(distUrl('index.html') + '#/train');
  await page.waitForFunction(() => window.steplabTraining?.getConfig(), null, { timeout: 30000 });
  const cases = { zeros: [0, 0, 0], tiny: [0, 1e-31, 5e-324, 1], denormal: [5e-324, 1e-320], huge: [1, 1e300, 1.7e308],
    endless: [1, 'Infinity', '-Infinity', 'NaN', 2], negative: [-1e-31, 0, 1e-31, 5], both: [-1e308, 1e308, 0, 5e-324],
    wide: [1e-300, 1e300], allNegative: [-1, -2, -1e-30], nan: ['NaN', 'NaN'], big: [1e20, 1e40], small: [1e-100, 1e-90] };
  for (const log of [true, false]) {
    for (const [name, vals] of Object.entries(cases)) {
      const r = await page.evaluate(async ([v, on]) => {
        const c = window.steplabTraining.charts.grad;
        c.setLog(on);
        c.setData([{ label: 'g', values: Float64Array.from(v, Number) }]);
        await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
        return { min: c.plot.scales.y.min, max: c.plot.scales.y.max, ticks: c.plot.axes[1]._values?.filter(Boolean).length ?? 0 };
      }, [vals, log]);
      const what = `${log ? 'log' : 'linear'} ${name}: ${JSON.stringify(r)}`;
      assert.ok(Number.isFinite(r.min) && Number.isFinite(r.max) && r.min < r.max, what);
      assert.ok(Math.abs(r.min) <= 1e32 && Math.abs(r.max) <= 1e32 && r.ticks > 0, what);
    }
  }
  await page.close();
  assert.deepEqual(sink.errors, []);
});
