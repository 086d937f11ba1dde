// A choosing session in a real browser: the hall's big screen is open on the 2020
// session that is under way; two staff browsers record the choices of the households
// called, one after the other; the screen moves to the next household each time without
// a reload. Set BASE_URL to a served demo.
import assert from 'node:assert/strict';
import { BASE, OUT, browser, login } from './demo.mjs';

const PROJECT = process.env.PROJECT ?? 'YCQ2020-B1';

const screen = await login('commander');
await screen.goto(`${BASE}/relocation/projects/${PROJECT}/choosing/screen`);
await screen.waitForFunction(() => document.querySelector('[data-field=status]').textContent.startsWith('实时'));
await screen.screenshot({ path: `${OUT}choosing-screen-before.png` });

const desks = [await login('commander'), await login('commander')];
for (const [i, desk] of desks.entries()) {
  const before = Number(await screen.textContent('[data-field=chosen]'));
  const called = await screen.textContent('[data-field=current-code]');
  await desk.goto(`${BASE}/relocation/projects/${PROJECT}/choosing`);
  const onDesk = await desk.getAttribute('form[action$="/choosing/choices"] input[name=household_code]', 'value');
  assert.equal(onDesk, called, 'the desk and the screen call the same household');
  const options = await desk.$$eval('select[name=flat_code] option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(options.length > 0, 'vacant flats are offered');
  await desk.selectOption('select[name=flat_code]', options[0]);
  await desk.check('input[name=accept_price_difference]');
  const started = Date.now();
  await desk.click('form[action$="/choosing/choices"] button[type=submit]');
  await screen.waitForFunction(
    ([n, code]) => Number(document.querySelector('[data-field=chosen]').textContent) === n
      && document.querySelector('[data-field=current-code]').textContent !== code,
    [before + 1, called],
    { timeout: 15000 },
  );
  console.log(`desk ${i + 1}: ${called} chose ${options[0]}; screen updated ${Date.now() - started} ms later`);
  const page = await desk.content();
  assert.ok(page.includes(options[0]), 'the choice is listed on the desk');
}
await screen.screenshot({ path: `${OUT}choosing-screen-after.png` });
for (const [name, path] of [
  ['choosing', `/relocation/projects/${PROJECT}/choosing`],
  ['flats', `/relocation/projects/${PROJECT}/flats`],
  ['order-2020', `/public/relocation/${PROJECT}/choosing-order`],
]) {
  await desks[0].goto(`${BASE}${path}`);
  await desks[0].screenshot({ path: `${OUT}${name}.png`, fullPage: true });
}
await browser.close();
console.log('browser: 1 passed, 0 failed');
