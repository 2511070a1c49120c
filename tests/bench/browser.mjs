// The training workloads in the browser: headless Chromium (tests/browser/browser.mjs's launch)
// loads dist/bench/browser.html over http (web/serve.mjs), whose module worker (worker.mjs) runs
// the shipped dist/steplab.mjs. Same workloads, sizes, check and protocol as run.mjs (passes of
// warm-up then samples); then W1 trained live while the page pulls the loss history every
// animation frame and redraws its chart.
import { startServer } from '../../web/serve.mjs';
import { launch, openPage } from '../browser/browser.mjs';
import { TRAIN } from './train.mjs';

export async function runBrowser({ quick, passes, opt, liveSeconds }) {
  const server = await startServer(0);
  const browser = await launch();
  const sink = { errors: [], foreign: [] };
  try {
    const page = await openPage(browser, `http://127.0.0.1:${server.address().port}/bench/browser.html`, sink);
    const userAgent = await page.evaluate(() => navigator.userAgent);
    const out = { userAgent, workloads: {} };
    for (let pass = 0; pass < passes; pass++) {
      for (const [id, w] of Object.entries(TRAIN)) {
        const size = quick ? w.quick : w.size;
        const r = await page.evaluate((m) => window.bench.call(m), { type: 'time', workload: id, size, opt });
        const o = (out.workloads[id] ??= { check: r.check, samples: [] });
        o.samples.push(...r.samples);
      }
    }
    const w1 = TRAIN.W1;
    out.live = await page.evaluate(([size, s]) => window.bench.live('W1', size, s, 4), [quick ? w1.quick : w1.size, liveSeconds]);
    if (sink.errors.length || sink.foreign.length) throw new Error(`browser page: ${[...sink.errors, ...sink.foreign].join('; ')}`);
    return out;
  } finally {
    await browser.close();
    server.close();
  }
}
