/**
 * @module scripts/dashboard-screenshots
 * Screenshots of the dashboard's own views from a running local stack (`npm start`), for the
 * README: `node scripts/dashboard-screenshots.ts [--url http://127.0.0.1:9466/] [--out docs/images]`.
 * Credentials as `npm start` uses them: QUARRY_DASHBOARD_USER / QUARRY_DASHBOARD_PASSWORD from
 * the environment, else from `.dev.vars`. Chromium is Debian's (dev/local/system-deps.ts).
 */
import { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { parseDevVars } from '../dev/local/dev-vars.ts';
import { findChromium } from '../dev/local/system-deps.ts';

const VIEWS = [['domains', '/quarry/domains'], ['runs', '/quarry/runs']] as const;

const opts = new Command('node scripts/dashboard-screenshots.ts')
  .option('--url <url>', 'dashboard base URL', 'http://127.0.0.1:9466/')
  .option('--out <dir>', 'directory of the PNGs', 'docs/images')
  .parse()
  .opts<{ url: string; out: string }>();

const vars = existsSync('.dev.vars') ? parseDevVars(readFileSync('.dev.vars', 'utf8')) : {};
const username = process.env.QUARRY_DASHBOARD_USER || vars.QUARRY_DASHBOARD_USER || 'admin';
const password = process.env.QUARRY_DASHBOARD_PASSWORD || vars.QUARRY_DASHBOARD_PASSWORD;
const executablePath = findChromium();
if (!password) throw new Error('QUARRY_DASHBOARD_PASSWORD: set it, or run `npm start` once so .dev.vars has one');
if (!executablePath) throw new Error('Chromium not found: install Debian\'s chromium (npm start does)');

mkdirSync(opts.out, { recursive: true });
const browser = await puppeteer.launch({
  executablePath, headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 700 });
  await page.authenticate({ username, password });
  for (const [name, path] of VIEWS) {
    const res = await page.goto(new URL(path, opts.url).href, { waitUntil: 'load' });
    if (res?.status() !== 200) throw new Error(`${path}: HTTP ${res?.status()}`);
    const file = join(opts.out, `dashboard-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(file);
  }
} finally {
  await browser.close();
}
