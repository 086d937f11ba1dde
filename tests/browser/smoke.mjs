// Walks the pages people use in a real browser (Debian's Chromium, driven by
// playwright-core): login, the role's start page, a form with its CSRF token, the audit
// log, the access rule for an inspector, the public page. Screenshots go to out/.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8090';
const PASSWORD = process.env.DEMO_PASSWORD ?? 'demo-2019';
const OUT = new URL('./out/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let passed = 0;
let failed = 0;
async function step(name, fn) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await fn(page);
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.message}`);
    await page.screenshot({ path: `${OUT}FAIL-${name.replace(/\W+/g, '_')}.png`, fullPage: true }).catch(() => {});
  } finally {
    await context.close();
  }
}

async function login(page, username) {
  await page.goto(`${BASE}/`);
  assert.match(page.url(), /\/login/);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

await step('admin logs in and adds a user through the form', async (page) => {
  await login(page, 'admin');
  assert.ok((await page.textContent('h1')).includes('工作台'));
  await page.screenshot({ path: `${OUT}home-admin.png`, fullPage: true });
  await page.goto(`${BASE}/admin/users`);
  await page.fill('form.grid input[name=username]', 'browser-clerk');
  await page.fill('form.grid input[name=display_name]', '浏览器测试员');
  await page.fill('form.grid input[name=password]', 'browser-pass-1');
  await page.selectOption('form.grid select[name=role]', 'inspector');
  await Promise.all([page.waitForNavigation(), page.click('form.grid button[type=submit]')]);
  assert.ok((await page.content()).includes('浏览器测试员'));
  await page.screenshot({ path: `${OUT}users.png`, fullPage: true });
});

await step('inspector reads the audit log and is refused user administration', async (page) => {
  await login(page, 'inspector');
  await page.goto(`${BASE}/audit`);
  assert.ok((await page.content()).includes('审计日志'));
  await page.screenshot({ path: `${OUT}audit.png`, fullPage: true });
  const resp = await page.goto(`${BASE}/admin/users`);
  assert.equal(resp.status(), 403);
  assert.ok((await page.content()).includes('无权访问'));
});

await step('wrong password shows a Chinese error', async (page) => {
  await page.goto(`${BASE}/login`);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', 'not-the-password');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  assert.ok((await page.content()).includes('用户名或密码错误'));
});

await step('the public page needs no login', async (page) => {
  const resp = await page.goto(`${BASE}/public/`);
  assert.equal(resp.status(), 200);
  await page.screenshot({ path: `${OUT}public.png`, fullPage: true });
});

await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
