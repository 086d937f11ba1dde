// Screenshots of the union pages for a visual check (not a test): set BASE_URL.
import { chromium } from 'playwright-core';
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:18080';
const OUT = process.env.OUT ?? '/tmp/shots/';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await page.goto(`${BASE}/login`);
await page.fill('input[name=username]', process.env.USER_NAME ?? 'union');
await page.fill('input[name=password]', 'demo-2019');
await page.click('button[type=submit]');
for (const [name, path] of (process.env.PAGES ?? '').split(',').map(p => p.split('='))) {
  await page.goto(`${BASE}${path}`);
  await page.screenshot({ path: `${OUT}${name}.png`, fullPage: process.env.FULL === '1' });
  if (process.env.PDF === name) await page.pdf({ path: `${OUT}${name}.pdf`, format: 'A4' });
}
await browser.close();
