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
