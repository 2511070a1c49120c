// Findings 6 (formulas) and 10 (access) of issue 16 and the landing view's "Start here" path, in
// headless Chromium from file:// and over http: the path links the lessons and the rooms, sliders
// announce the value they stand for, every line chart has a keyboard-reachable data table, the
// schedules' exponents are at body-text size.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, distUrl, openPage as openPageIn } from './browser.mjs';
import { startServer } from '../../web/serve.mjs';

let browser, server;
const sink = { errors: [], foreign: [] };
const openPage = (url) => openPageIn(browser, url, sink);
before(async () => { browser = await launch(); server = await startServer(0); });
after(async () => { await browser?.close(); server?.close(); });

for (const how of ['file', 'http']) {
  test(`the landing view offers a first path that links the lessons and every room (${how})`, async () => {
    const base = how === 'file' ? distUrl('index.html') : `http://127.0.0.1:${server.address().port}/index.html`;
    const page = await openPage(base);
    assert.equal(await page.evaluate(() => document.getElementById('start-here').open), true, 'open on the landing view');
    const links = await page.$$eval('#start-here a', (a) => a.map((x) => ({ href: x.getAttribute('href'), url: x.href })));
    const rooms = links.filter((l) => l.href.startsWith('#/')).map((l) => l.href.slice(2));
    assert.deepEqual(rooms, ['losses', 'race', 'schedules', 'train', 'lrfinder']);
    const lessons = links.filter((l) => l.href.startsWith('lessons/'));
    assert.ok(lessons.some((l) => l.href === 'lessons/index.html'));
    for (const l of lessons) {
      if (how === 'file') assert.ok(fs.existsSync(new URL(l.url)), `${l.href} is built`);
      else assert.equal((await fetch(l.url)).status, 200, l.href);
    }
    // a room from the path opens; the text is short (a minute's reading: under 200 words)
    assert.ok((await page.textContent('#start-here')).split(/\s+/).length < 200);
    await page.click('#start-here a[href="#/race"]');
    await page.waitForFunction(() => document.querySelector('.room[data-room="race"]:not([hidden]) #race-status'));
    // the header's link opens it again
    await page.evaluate(() => { document.getElementById('start-here').open = false; });
    await page.click('#start-link');
    assert.equal(await page.evaluate(() => document.getElementById('start-here').open), true);
    await page.close();
    // a link to a room opens it with the path folded
    const linked = await openPage(`${base}#/losses`);
    assert.equal(await linked.evaluate(() => document.getElementById('start-here').open), false);
    await linked.close();
    assert.deepEqual(sink.errors, []);
    assert.deepEqual(sink.foreign, []);
  });
}

test('sliders announce the value they stand for', async () => {
  const page = await openPage(distUrl('index.html#/schedules'));
  await page.waitForSelector('#sched-readout li');
  const lr = page.locator('input[type="range"][aria-label^="lr slider"]');
  assert.equal(await lr.getAttribute('aria-valuetext'), 'lr 0.1');
  assert.notEqual(await lr.inputValue(), '0.1', 'the position is not the value (a log slider)');
  await page.fill('#sched-0-gamma', '0.5');
  assert.equal(await page.locator('input[type="range"][aria-label^="gamma slider"]').getAttribute('aria-valuetext'), 'gamma 0.5');
  await page.evaluate(() => { location.hash = '#/race'; });
  await page.waitForSelector('.room[data-room="race"] #race-speed');
  assert.match(await page.getAttribute('#race-speed', 'aria-valuetext'), /^\d+ steps per second$/);
  await page.evaluate(() => { location.hash = '#/losses'; });
  await page.waitForSelector('.room[data-room="losses"] #loss-readout');
  const ranges = await page.$$eval('.room[data-room="losses"] input[type="range"]', (r) => r.map((x) => [x.getAttribute('aria-label'), x.getAttribute('aria-valuetext'), x.value]));
  assert.ok(ranges.length > 0);
  for (const [label, text, value] of ranges) assert.equal(text, `${label.replace(/ slider$/, '')} ${value}`);
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('every line chart has a data table the keyboard reaches, made from its series', async () => {
  const page = await openPage(distUrl('index.html#/schedules'));
  await page.waitForSelector('#sched-readout li');
  const summary = page.locator('#sched-chart details.chart-table > summary');
  await summary.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#sched-chart details.chart-table table');
  const rows = await page.$$eval('#sched-chart details.chart-table tbody tr', (tr) => tr.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 90);
  assert.deepEqual(rows[0], ['0', '0.1']);
  assert.deepEqual(rows[30], ['30', '0.01']);
  assert.equal(await page.textContent('#sched-chart details.chart-table thead'), 'epoch1: StepLR');
  // every room's line charts carry one
  for (const route of ['race', 'losses', 'train', 'lrfinder']) {
    await page.evaluate((r) => { location.hash = `#/${r}`; }, route);
    await page.waitForFunction((r) => document.querySelector(`.room[data-room="${r}"]:not([hidden]) .uplot`), route);
    const n = await page.$$eval(`.room[data-room="${route}"] .uplot`, (u) => u.filter((x) => x.parentElement.querySelector(':scope > details.chart-table > summary')).length);
    assert.equal(n, await page.locator(`.room[data-room="${route}"] .uplot`).count(), `${route}: a table under every chart`);
  }
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('the schedules\' formulas are at body-text size, exponents included', async () => {
  const page = await openPage(distUrl('index.html#/schedules'));
  await page.waitForSelector('.room math');
  const sizes = await page.evaluate(() => {
    const m = document.querySelector('.room[data-room="schedules"] math');
    const t = [...m.querySelectorAll('msup mi')].find((x) => x.textContent === 't');
    return { body: parseFloat(getComputedStyle(document.body).fontSize), exponent: parseFloat(getComputedStyle(t).fontSize) };
  });
  assert.ok(sizes.exponent >= 0.9 * sizes.body, JSON.stringify(sizes));
  await page.close();
  assert.deepEqual(sink.errors, []);
});

test('layout: the optimizer\'s insides and the pitfalls are full width under the charts; on a phone the picture stays in view', async () => {
  const page = await openPage(distUrl('index.html#/train'));
  await page.waitForSelector('#inspect');
  const box = await page.evaluate(() => {
    const r = (e) => e.getBoundingClientRect();
    const room = r(document.querySelector('.room[data-room="train"]'));
    const charts = r(document.querySelector('.room[data-room="train"] .plots'));
    return { room: room.width, inspect: r(document.getElementById('inspect')), pit: r(document.getElementById('train-extras').lastElementChild), chartsBottom: charts.bottom };
  });
  for (const b of [box.inspect, box.pit]) {
    assert.ok(b.width > 0.9 * box.room, `full width: ${b.width} of ${box.room}`);
    assert.ok(b.top >= box.chartsBottom, 'under the charts');
  }
  await page.close();
  for (const route of ['schedules', 'race', 'losses', 'train', 'lrfinder']) {
    const phone = await openPage(distUrl(`index.html#/${route}`));
    await phone.setViewportSize({ width: 375, height: 740 });
    await phone.waitForFunction((r) => document.querySelector(`.room[data-room="${r}"] .plots canvas`), route);
    await phone.waitForTimeout(300);
    // scroll to the controls' last field: the room's picture (its first canvas) is still on screen
    const seen = await phone.evaluate(async (r) => {
      const controls = document.querySelector(`.room[data-room="${r}"] .controls`);
      window.scrollTo(0, controls.getBoundingClientRect().bottom + scrollY - innerHeight);
      await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
      const c = document.querySelector(`.room[data-room="${r}"] .plots canvas`).getBoundingClientRect();
      const k = controls.getBoundingClientRect();
      return { top: c.top, bottom: c.bottom, scrolled: scrollY, controls: [k.top, k.bottom], h: innerHeight };
    }, route);
    assert.ok(seen.scrolled > 200 && seen.bottom > 40 && seen.top < 740, `${route}: ${JSON.stringify(seen)}`);
    // what to notice sits right under the picture in the pinned pane, not after the pane's other charts and
    // tables (it used to be last: 1 943 px down a 414 px pane in the Losses room)
    const notice = await phone.evaluate((r) => {
      const pane = document.querySelector(`.room[data-room="${r}"] .plots`);
      const n = pane.querySelector(':scope > .notice');
      if (!n) return null;
      const top = (e) => e.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
      const shown = [...pane.children].filter((e) => e !== n && e.getBoundingClientRect().height > 0);
      return { top: top(n), bottom: top(n) + n.getBoundingClientRect().height, pane: pane.clientHeight,
        picture: shown.filter((e) => top(e) < top(n)).map((e) => e.classList.contains('lead')),
        after: shown.filter((e) => top(e) >= top(n)).map((e) => e.classList.contains('lead')),
        canvasAbove: top(pane.querySelector('canvas')) < top(n) };
    }, route);
    if (notice) {
      assert.ok(notice.canvasAbove && notice.picture.length > 0, `${route}: the picture comes first: ${JSON.stringify(notice)}`);
      assert.ok(notice.top < 1.5 * notice.pane, `${route}: what to notice is a short scroll of the pane away: ${JSON.stringify(notice)}`);
      assert.ok(notice.picture.every(Boolean) && !notice.after.some(Boolean),
        `${route}: only the picture is above what to notice: ${JSON.stringify(notice)}`);
    }
    await phone.close();
  }
  assert.deepEqual(sink.errors, []);
});
