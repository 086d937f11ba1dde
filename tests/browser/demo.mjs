// What the demo-driven browser scripts share: the demo's address, the screenshot folder,
// Debian's Chromium launched without a downloaded browser, and a logged-in page.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

export const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:18093';
export const OUT = process.env.OUT ?? new URL('./out/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });

export const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'] });

// A page of a fresh browser context logged in as `username` (demo password).
export async function login(username) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1600, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', 'demo-2019');
  await page.click('button[type=submit]');
  return page;
}
