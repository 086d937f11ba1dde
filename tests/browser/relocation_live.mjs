// The live wall in a real browser: the big screen is open; in another tab a staff member
// records a signing; the screen's figures change without a reload. Screenshots of the
// relocation pages go to OUT for a visual check. Set BASE_URL to a served demo.
import assert from 'node:assert/strict';
import { BASE, OUT, browser, login } from './demo.mjs';

const PROJECT = process.env.PROJECT ?? 'YCQ2020-B1';

const screen = await login('commander');
await screen.goto(`${BASE}/relocation/projects/${PROJECT}/screen`);
await screen.waitForFunction(() => document.querySelector('[data-field=status]').textContent.startsWith('实时'));
const before = Number(await screen.textContent('[data-tile=signed] [data-count]'));
await screen.screenshot({ path: `${OUT}wall-screen-before.png` });

// The commander records the one household still to sign.
const desk = await login('commander');
await desk.goto(`${BASE}/relocation/projects/${PROJECT}/households?stage=pending`);
const link = await desk.getAttribute('table.list tbody a', 'href');
await desk.goto(`${BASE}${link}`);
await desk.click('form[action$="/milestones"] button[type=submit]');
const started = Date.now();
await screen.waitForFunction(
  (n) => Number(document.querySelector('[data-tile=signed] [data-count]').textContent) === n,
  before + 1,
  { timeout: 15000 },
);
console.log(`screen updated ${Date.now() - started} ms after the form was submitted`);
assert.equal(await screen.isVisible('[data-field=banner]'), true, 'cleared to zero banner');
await screen.screenshot({ path: `${OUT}wall-screen-after.png` });

for (const [name, path] of [
  ['overview', '/relocation/?year=2019'],
  ['household', link],
  ['sheet', `${link}/sheet`],
  ['tasks', '/relocation/projects/YCQ2019-01/tasks'],
  ['wall', '/relocation/projects/YCQ2019-01/wall'],
  ['meetings', '/relocation/projects/YCQ2019-01/meetings'],
  ['posting', '/public/relocation/YCQ2019-01/compensation'],
  ['order', '/public/relocation/YCQ2019-A1/choosing-order'],
]) {
  await desk.goto(`${BASE}${path}`);
  await desk.screenshot({ path: `${OUT}${name}.png`, fullPage: name !== 'posting' });
}
await browser.close();
console.log('browser: 1 passed, 0 failed');
