// Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven
// by playwright-core, with a fresh profile and no background network.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'steplab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
    viewport: { width: 1200, height: 760 },
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const distUrl = (file) => new URL(`../../dist/${file}`, import.meta.url).href;

// A new page of browser.context whose page errors and console errors go into errors.
export async function watchedPage(browser, errors) {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return page;
}

// Opens url in a new page of browser.context, recording console errors, page
// errors, dialogs and requests that leave the page's own files into sink.
export async function openPage(browser, url, sink) {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => sink.errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') sink.errors.push(m.text()); });
  page.on('dialog', (d) => { sink.errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on('request', (r) => { if (!/^(file|blob|data):/.test(r.url()) && !r.url().startsWith('http://127.0.0.1')) sink.foreign.push(r.url()); });
  // Content-Security-Policy violations, reported by the page itself
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  return page;
}

export const shotsDir = new URL('../../dist/test-output/', import.meta.url).pathname;
fs.mkdirSync(shotsDir, { recursive: true });
