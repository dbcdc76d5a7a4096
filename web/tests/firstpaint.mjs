// Browser test of the first paint (issue 14 item 1; docs/barometer.md
// "First paint"): the national RegSO map that index.html carries, painted
// before any script runs (run by run_e2e.sh after e2e.mjs, same server).
//  - without JavaScript: the map (one path per class), legend, heading and
//    the synthetic-data banner are there and painted; axe-core 0 violations;
//  - its classes agree with the app's map at a grid of points (the app's
//    class paths and the static ones, SVGGeometryElement.isPointInFill in
//    the same 600 x 1000 map units); the disagreements lie within the
//    simplification's reach of a class border of the app's map;
//  - the app replaces it without moving it (same box, no layout shift) and
//    with the same patterns; other routes and English remove it.
// Usage: node firstpaint.mjs BASE_URL
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';
import {chromium} from 'playwright-core';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const base = process.argv[2];
let failures = 0;
const check = (ok, what) => { if (!ok) { failures++; console.error(`FAIL: ${what}`); } else console.log(`ok: ${what}`); };
const browser = await chromium.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run']});
const STEP = 5; // grid of points, map units
const REACH = 2; // map units: simplification tolerance 0.5 + rounding 0.5 + the app's 2 decimals, with margin

// The class at each grid point of the map in `sel`: for each class path
// (data-cls, or the app's fill url(#pN)), isPointInFill.
const classGrid = ({sel, step}) => {
  const svg = document.querySelector(sel);
  const paths = [...svg.querySelectorAll('path.fill')].map((p) => [p.dataset.cls ?? p.getAttribute('fill').match(/#p(.*)\)/)[1], p]);
  const pt = svg.createSVGPoint();
  const out = [];
  for (let y = step / 2; y < 1000; y += step) {
    for (let x = step / 2; x < 600; x += step) {
      pt.x = x; pt.y = y;
      const hit = paths.find(([, p]) => p.isPointInFill(pt));
      out.push(hit ? hit[0] : '');
    }
  }
  return out;
};

try {
  // 1. No JavaScript: what the HTML alone shows.
  const nojs = await browser.newContext({javaScriptEnabled: false, viewport: {width: 1280, height: 900}, bypassCSP: true});
  const p0 = await nojs.newPage();
  await p0.goto(`${base}/`);
  const st = await p0.evaluate(() => ({
    classes: [...document.querySelectorAll('#fp-map path.fill')].map((p) => p.dataset.cls),
    legend: document.querySelectorAll('#fp ul.legend li').length,
    h1: document.querySelector('h1')?.textContent,
    banner: !document.getElementById('banner').hidden && document.getElementById('banner').textContent.length > 20,
    box: document.getElementById('fp-map').getBoundingClientRect().toJSON(),
    directives: document.documentElement.outerHTML.includes('fp:'),
  }));
  check(st.classes.length >= 5 && new Set(st.classes).size === st.classes.length, `without JS: one path per class (${st.classes.join(' ')})`);
  check(st.legend === 8 && /^Områdestyp \d{4}$/.test(st.h1), `without JS: heading "${st.h1}" and 8 legend items (${st.legend})`);
  check(st.banner, 'without JS: the synthetic-data banner is shown');
  check(!st.directives, 'no fp directive left in the page');
  check(st.box.width > 300 && st.box.height > 500, `without JS: the map has its size (${Math.round(st.box.width)} x ${Math.round(st.box.height)})`);
  const shot = await p0.locator('#fp-map').screenshot();
  const colours = await p0.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = Object.assign(document.createElement('canvas'), {width: img.width, height: img.height});
    c.getContext('2d').drawImage(img, 0, 0);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0xee) + Math.abs(d[i + 1] - 0xf3) + Math.abs(d[i + 2] - 0xf7) > 12 && !(d[i] > 250 && d[i + 1] > 250 && d[i + 2] > 250)) n++;
    return n / (d.length / 4);
  }, shot.toString('base64')).catch(() => null);
  // evaluate works with JS disabled (the page's scripts are off, not the
  // protocol's); if this Chromium refuses, say so rather than pass
  check(colours !== null && colours > 0.08, `without JS: the map is painted (${colours === null ? 'not measured' : `${(colours * 100).toFixed(0)} % of its box`})`);
  const staticGrid = await p0.evaluate(classGrid, {sel: '#fp-map', step: STEP});
  const staticPatterns = await p0.evaluate(() => [...document.querySelectorAll('#fp pattern')].map((p) => p.outerHTML.replace(/id="fp/, 'id="p')));
  // axe-core cannot run where scripts are off: the same page with the app
  // not loaded (index.html has no other script) is the same document
  const noapp = await browser.newContext({viewport: {width: 1280, height: 900}, bypassCSP: true});
  const p1 = await noapp.newPage();
  await p1.route('**/app.js', (r) => r.abort());
  await p1.goto(`${base}/`);
  await p1.addScriptTag({path: axePath});
  const res = await p1.evaluate(() => window.axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}));
  for (const v of res.violations) console.error(`  axe without JS: ${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes[0]?.target}`);
  check(res.violations.length === 0, 'axe: zero WCAG 2.1 AA violations without the app (JavaScript off or app.js not loaded)');
  await noapp.close();
  await nojs.close();

  // 2. With JavaScript: the first paint, then the app's map in its place.
  const ctx = await browser.newContext({viewport: {width: 1280, height: 900}});
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    window.__fp = null;
    window.__cls = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; }).observe({type: 'layout-shift', buffered: true});
    const look = () => {
      const m = document.getElementById('fp-map');
      if (m) { window.__fp = m.getBoundingClientRect().toJSON(); return; }
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await page.goto(`${base}/#/sv/karta`);
  await page.waitForSelector('body[data-ready="1"]', {timeout: 20000});
  const live = await page.evaluate(() => ({fp: window.__fp, box: document.getElementById('map').getBoundingClientRect().toJSON(),
    cls: window.__cls, left: !!document.getElementById('fp'),
    patterns: [...document.querySelectorAll('.mapcol pattern')].map((p) => p.outerHTML)}));
  check(live.fp !== null, 'with JS: the first paint was on screen before the app');
  check(!live.left, 'the app replaced the first paint');
  const moved = live.fp ? Math.max(...['x', 'y', 'width', 'height'].map((k) => Math.abs(live.fp[k] - live.box[k]))) : Infinity;
  check(moved <= 1, `the app's map takes the first paint's box (largest difference ${moved.toFixed(1)} px)`);
  check(live.cls < 0.01, `no layout shift (cumulative layout shift ${live.cls.toFixed(4)})`);
  check(JSON.stringify(live.patterns) === JSON.stringify(staticPatterns), `the same ${staticPatterns.length} patterns as the app's`);

  // 3. Classes at the grid points; disagreements only near class borders.
  const appGrid = await page.evaluate(classGrid, {sel: '#map', step: STEP});
  let drawn = 0, same = 0;
  const off = [];
  for (let i = 0; i < appGrid.length; i++) {
    if (!appGrid[i] && !staticGrid[i]) continue;
    drawn++;
    if (appGrid[i] === staticGrid[i]) same++;
    else off.push(i);
  }
  const share = same / drawn;
  console.log(`  classes agree at ${same} of ${drawn} grid points on the map (${(share * 100).toFixed(2)} %, every ${STEP} map units)`);
  check(drawn > 5000 && share > 0.95, `static and interactive classes agree at > 95 % of grid points (${(share * 100).toFixed(2)} %)`);
  // each disagreeing point: a border of the app's map lies within REACH
  // (the app paints another class, or nothing, somewhere on a circle of
  // that radius), i.e. simplification and rounding moved a border over it
  const near = await page.evaluate(({pts, reach}) => {
    const svg = document.getElementById('map');
    const paths = [...svg.querySelectorAll('path.fill')].map((p) => [p.getAttribute('fill').match(/#p(.*)\)/)[1], p]);
    const pt = svg.createSVGPoint();
    const cls = (x, y) => { pt.x = x; pt.y = y; const h = paths.find(([, p]) => p.isPointInFill(pt)); return h ? h[0] : ''; };
    let ok = 0;
    for (const [x, y] of pts) {
      const here = cls(x, y);
      for (let a = 0; a < 16; a++) {
        if (cls(x + reach * Math.cos(a * Math.PI / 8), y + reach * Math.sin(a * Math.PI / 8)) !== here) { ok++; break; }
      }
    }
    return ok;
  }, {pts: off.map((i) => [STEP / 2 + (i % (600 / STEP)) * STEP, STEP / 2 + Math.floor(i / (600 / STEP)) * STEP]), reach: REACH});
  console.log(`  of the ${off.length} disagreements, ${near} lie within ${REACH} map units of a class border of the app's map`);
  check(near >= off.length * 0.95, `disagreements are at class borders (${near} of ${off.length} within ${REACH} units)`);

  // 4. Other routes and English: the first paint is removed at once.
  for (const route of ['#/en/karta', '#/sv/om', '#/sv/karta?ind=area_type&year=1999']) {
    await page.goto('about:blank');
    await page.goto(`${base}/${route}`);
    await page.waitForSelector('body[data-ready="1"]', {timeout: 20000});
    check(await page.evaluate(() => !document.getElementById('fp')), `${route}: no first paint left`);
  }
  check(errors.length === 0, `no page errors ${errors.join('; ')}`);
  await ctx.close();
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
