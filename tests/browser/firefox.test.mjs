// Smoke tests in Firefox ESR (Debian's firefox-esr), driven by puppeteer-core over WebDriver BiDi:
// every room of the lab page from file:// (and the Schedules room over http) draws without an
// error, a run trains in the worker, and every web component on the author's guide renders.
// Short on purpose (it runs in npm test); the full behaviour is tested in Chromium.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import puppeteer from 'puppeteer-core';
import { distUrl } from './browser.mjs';
import { startServer } from '../../web/serve.mjs';

const FIREFOX = '/usr/bin/firefox-esr';
const skip = fs.existsSync(FIREFOX) ? false : `${FIREFOX} is not installed (bash build.sh --test installs it)`;
let browser, server;
const errors = [];

async function newPage() {
  const page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return page;
}
const until = (page, fn, ...args) => page.waitForFunction(fn, { timeout: 30000 }, ...args);

before(async () => {
  if (skip) return;
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  server = await startServer(0);
});
after(async () => { await browser?.close(); server?.close(); });

// what each room shows once it has computed its first view
const DRAWN = {
  schedules: () => document.querySelectorAll('#sched-readout li').length > 0,
  race: () => document.getElementById('race-status')?.textContent.length > 0,
  losses: () => document.getElementById('loss-readout')?.textContent.length > 0,
  lrfinder: () => /suggest|steepest|valley|minimum/i.test(document.getElementById('lrf-suggestions')?.textContent ?? ''),
  train: () => document.body.dataset.trainStatus === 'new' && !!window.steplabTraining?.getConfig(),
};

test('every room draws in Firefox from file://, and a run trains in the worker', { skip }, async () => {
  const page = await newPage();
  await page.goto(distUrl('index.html'));
  await until(page, () => document.body.dataset.ready === 'true');
  for (const [route, drawn] of Object.entries(DRAWN)) {
    await page.evaluate((r) => { location.hash = `#/${r}`; }, route);
    await until(page, (r) => document.querySelector(`.room[data-room="${r}"]:not([hidden]) canvas`) !== null, route);
    await until(page, drawn);
  }
  await page.evaluate(() => { location.hash = '#/train?epochs=5'; });
  await until(page, () => document.body.dataset.trainStatus === 'new' && /epoch 0 \/ 5/.test(document.getElementById('train-counter').textContent));
  await page.click('#train-play');
  await until(page, () => document.body.dataset.trainStatus === 'done');
  assert.match(await page.$eval('#train-status', (e) => e.textContent), /^done: all 5 epochs/);
  assert.ok(await page.evaluate(() => window.steplabTraining.series().train_loss.length === 5));
  // MathML Core renders the schedules' formulas
  await page.evaluate(() => { location.hash = '#/schedules'; });
  assert.ok(await page.evaluate(() => document.querySelector('.room[data-room="schedules"] math')?.getBoundingClientRect().height > 10));
  await page.close();
  assert.deepEqual(errors, []);
});

test('the lab page works over http in Firefox', { skip }, async () => {
  const page = await newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html#/schedules`);
  await until(page, () => document.body.dataset.ready === 'true');
  await until(page, DRAWN.schedules);
  await page.close();
  assert.deepEqual(errors, []);
});

test('every web component on the author\'s guide renders in Firefox', { skip }, async () => {
  const page = await newPage();
  await page.goto(distUrl('embed.html'));
  const ids = await page.evaluate(() => [...document.querySelectorAll('steplab-schedule, steplab-loss, steplab-race, steplab-lrfinder, steplab-train')]
    .map((e) => `${e.localName}#${e.id}`));
  for (const name of ['steplab-schedule', 'steplab-loss', 'steplab-race', 'steplab-lrfinder', 'steplab-train']) {
    assert.ok(ids.some((x) => x.startsWith(`${name}#`)), `the guide shows a ${name}`);
  }
  for (const id of ids.map((x) => x.split('#')[1])) {
    await until(page, (i) => Number(document.getElementById(i)?.dataset.rendered) > 0, id);
  }
  await page.close();
  assert.deepEqual(errors, []);
});
