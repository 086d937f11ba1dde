// The yearbook in a real browser: the inspector opens the 2019 annual report of both
// offices, sees the figures and the charts, then the same page in print media (what
// Ctrl+P gives): no navigation or filters, one office per A4 page. Screenshots of both
// and the printed PDF go to out/. Set BASE_URL to a served demo.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { BASE, OUT, browser, login } from './demo.mjs';

const page = await login('inspector');
await page.goto(`${BASE}/reports/annual?year=2019`);
const cell = async (key) => (await page.textContent(`tr[data-key="${key}"] td.num`)).trim();
assert.equal(await cell('new_members'), '8,629');
assert.equal(await cell('households_resettled'), '247');
assert.equal(await cell('land_acquired_mu'), '941.00');
const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((s) => s.getBoundingClientRect().width));
assert.ok(charts.length >= 4 && charts.every((w) => w > 200), `charts drawn: ${charts}`);
assert.ok(await page.isVisible('header.top'), 'the navigation shows on screen');
await page.screenshot({ path: `${OUT}yearbook.png`, fullPage: true });

await page.emulateMedia({ media: 'print' });
assert.ok(!(await page.isVisible('header.top')), 'no navigation in print');
assert.ok(!(await page.isVisible('form.filters')), 'no filters in print');
const breaks = await page.$$eval('.yearbook-part', (parts) => parts.map((p) => getComputedStyle(p).breakAfter));
assert.deepEqual(breaks, ['page', 'auto'], 'one office per page');
await page.screenshot({ path: `${OUT}yearbook-print.png`, fullPage: true });
const pdf = await page.pdf({ format: 'A4', printBackground: true });
writeFileSync(`${OUT}yearbook.pdf`, pdf);
const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
assert.ok(pages >= 2, `the printed yearbook has a page per office (${pages})`);

await browser.close();
console.log(`browser: yearbook on screen and in print (${pages} A4 pages), 1 passed, 0 failed`);
