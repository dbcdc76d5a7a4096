// End-to-end test of the barometer in Debian's Chromium (headless) driven by
// playwright-core: choose a kommun, change indicator and year, download a
// CSV, take a screenshot, keyboard start, Tab/Enter/Space on kommun map areas, and axe-core (WCAG 2.1 AA rules)
// with zero violations on every view.  Usage: node e2e.mjs BASE_URL [SHOT.png]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';
import {chromium} from 'playwright-core';

const require = createRequire(import.meta.url);
const base = process.argv[2];
const shot = process.argv[3] || path.join(os.tmpdir(), 'omrade-e2e.png');
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'omrade-chromium-'));
const axePath = require.resolve('axe-core/axe.min.js');
let failures = 0;
const check = (ok, what) => { if (!ok) { failures++; console.error(`FAIL: ${what}`); } else console.log(`ok: ${what}`); };

const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, acceptDownloads: true, bypassCSP: true, // only so axe-core can be injected
  viewport: {width: 1280, height: 900},
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const ready = () => page.waitForSelector('body[data-ready="1"]', {timeout: 15000});
  async function axe(label) {
    const t0 = Date.now();
    await page.addScriptTag({path: axePath});
    const res = await page.evaluate(async () => window.axe.run(document, {
      runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}));
    for (const v of res.violations) console.error(`  axe ${label}: ${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes[0]?.target}`);
    check(res.violations.length === 0, `axe: zero WCAG 2.1 AA violations on ${label} (${Date.now() - t0} ms)`);
  }

  await page.goto(`${base}/#/karta?ind=area_type&level=regso`);
  await ready();
  check(await page.locator('.mapbox svg path.area').count() > 3000, 'national RegSO layer drawn');
  check((await page.textContent('main')).includes('schematiska'), 'RegSO map labelled as schematic');
  await axe('map (area types)');
  // keyboard: the first Tab reaches the skip link
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.className) === 'skip', 'first Tab focuses the skip link');
  // the police layer (59 areas of 2023) as an optional layer
  await page.check('#f-police');
  await page.waitForFunction(() => document.querySelectorAll('path.police').length === 59 && document.body.dataset.ready === '1');
  check(true, 'police layer toggled on (59 areas)');

  // choose a kommun by search
  await page.goto(`${base}/#/karta?ind=low_econ&level=kommun`);
  await ready();
  await page.fill('#f-search', 'Upplands V');
  const hit = page.locator('#search-results button', {hasText: 'Upplands Väsby (Kommun)'});
  await hit.waitFor({timeout: 5000});
  await hit.click();
  await page.waitForFunction(() => location.hash.includes('sel=0114') && document.body.dataset.ready === '1');
  await page.locator('#profile strong', {hasText: 'Upplands Väsby'}).waitFor({timeout: 5000});
  check(true, 'kommun chosen by search shows its profile');

  // keyboard on the map: Tab from the search reaches a kommun area (with a
  // visible focus ring); Enter and Space open its profile
  await page.goto(`${base}/#/karta?ind=low_econ&level=kommun`);
  await ready();
  await page.focus('#f-search');
  let tabs = 0;
  while (tabs < 100 && !(await page.evaluate(() => document.activeElement?.matches('path.area')))) {
    await page.keyboard.press('Tab');
    tabs++;
  }
  const focused = await page.evaluate(() => document.activeElement.getAttribute('aria-label') || '');
  check(focused.includes(':') && await page.evaluate(() => !!document.querySelector('path.focusring.on')),
    `Tab reaches a kommun area in the map (${tabs} tabs: ${focused})`);
  await page.keyboard.press('Enter');
  await page.locator('#profile strong', {hasText: focused.split(':')[0]}).waitFor({timeout: 5000});
  check(true, 'Enter on a map area opens its profile');
  await page.keyboard.press('Tab');
  const next = await page.evaluate(() => document.activeElement.getAttribute('aria-label') || '');
  await page.keyboard.press(' ');
  await page.locator('#profile strong', {hasText: next.split(':')[0]}).waitFor({timeout: 5000});
  check(next !== focused, 'Space on the next area opens its profile');
  await axe('map (kommun, keyboard)');
  // the skip button before the map jumps past its 290 tab stops to the table
  await page.focus('button.skip');
  await page.keyboard.press('Enter');
  check(await page.evaluate(() => document.activeElement?.id === 'datatable'),
    'the skip-map button moves focus to the table');

  // change indicator and year
  await page.selectOption('#f-ind', 'low_econ');
  await ready();
  await page.selectOption('#f-year', '2023');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent.includes('2023') && document.body.dataset.ready === '1');
  check((await page.textContent('h1')).includes('Låg ekonomisk standard 2023'), 'indicator and year changed');
  check((await page.textContent('#datatable')).includes('11,0'), 'table shows 4400/40000 = 11,0 %');

  // download the table as CSV
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("CSV")')]);
  const csv = fs.readFileSync(await dl.path(), 'utf8');
  check(csv.startsWith('code,name,value,numerator,denominator,status\n') && csv.includes('0114,Upplands Väsby,11,4400,40000,published'),
    'CSV download has the table');
  await page.screenshot({path: shot});
  console.log(`screenshot: ${shot}`);
  await axe('map (indicator)');

  // suppressed cells are shown as suppressed
  await page.goto(`${base}/#/karta?ind=low_econ&level=regso&year=2022&view=table`);
  await ready();
  check((await page.textContent('#datatable')).includes('Skyddad'), 'suppressed RegSO shown as suppressed');
  // provenance and the two kinds of suppression, on the page itself
  const legend = await page.textContent('ul.legend');
  check(legend.includes('Skyddad: för få personer') && legend.includes('Skyddad för att skydda andra värden'),
    'legend explains primary and secondary suppression');
  check((await page.textContent('#banner')).startsWith('Syntetiska data') && await page.isVisible('#banner'),
    'synthetic-data banner shown (meta data_source = synthetic)');
  // the bulk download: every cell as long CSV, linked from every page
  const exportHref = await page.getAttribute('#foot a[href="/api/export.csv.gz"]', 'href');
  const exportCsv = await page.evaluate(async (u) => new Response((await fetch(u)).body.pipeThrough(new DecompressionStream('gzip'))).text(), exportHref);
  check(exportCsv.startsWith('indicator,year,sex,age,born,level,code,within,area_type,status,numerator,denominator,value\n') &&
    exportCsv.includes('low_econ,2022,total,total,total,kommun,0114,,,published,4000,40000,10\n'), 'bulk CSV export linked and served');
  await axe('table view');
  await page.goto(`${base}/#/karta?ind=low_econ&level=kommun&year=2023&view=line&sel=0114`);
  await ready();
  check(await page.locator('svg.chart path').count() >= 2, 'line chart drawn');
  await axe('line chart');
  await page.goto(`${base}/#/omrade/0114`);
  await ready();
  check((await page.textContent('main')).includes('Ojämlikhetsindex'), 'kommun page shows the inequality index');
  check((await page.textContent('main')).includes('Vid slumpmässig fördelning'), 'inequality table shows the value under random allocation');
  check(await page.isVisible('#banner'), 'synthetic-data banner on the kommun page');
  // flags as sentences: Vallentuna's fixture row is flagged few_deso
  await page.goto(`${base}/#/omrade/0115`);
  await page.waitForFunction(() => document.body.dataset.ready === '1' && document.querySelector('h1')?.textContent.includes('Vallentuna'));
  const main0115 = await page.textContent('main');
  check(main0115.includes('Få DeSO med befolkning') && !main0115.includes('few_deso'), 'inequality flag shown as a Swedish sentence');
  await axe('kommun page');
  await page.goto(`${base}/#/typer`);
  await ready();
  await axe('area-type view');
  await page.goto(`${base}/#/tillganglighet`);
  await ready();
  await axe('accessibility statement');
  // English toggle
  await page.click('#lang');
  // wait for the re-rendered heading itself: the ready flag may still be
  // set from the Swedish page when lang flips
  await page.waitForFunction(() => document.documentElement.lang === 'en' &&
    document.querySelector('h1')?.textContent === 'Accessibility statement', null, {timeout: 10000}).catch(() => {});
  check((await page.textContent('h1')) === 'Accessibility statement', 'English toggle');
  await axe('accessibility statement (en)');
  check((await page.textContent('#banner')).startsWith('Synthetic data'), 'synthetic-data banner in English');
  await page.goto(`${base}/#/karta?ind=low_econ&level=regso&year=2022&view=table`);
  await page.waitForFunction(() => document.body.dataset.ready === '1' && document.querySelector('h1')?.textContent.includes('2022'));
  const legendEn = await page.textContent('ul.legend');
  check(legendEn.includes('Suppressed: too few persons') && legendEn.includes('Protected to protect other values'),
    'English legend explains primary and secondary suppression');
  await axe('table view (en)');
  check(errors.length === 0, `no page errors ${errors.join('; ')}`);
} finally {
  await ctx.close();
  fs.rmSync(profile, {recursive: true, force: true});
}
process.exit(failures ? 1 : 0);
