// Benchmark (not a test): the first render of the national RegSO map in
// headless Chromium, cold cache (a fresh profile per run), as two moments
// from navigation start (performance.now() in the page):
//   painted      the map on screen: the first paint that index.html
//                carries (#fp-map, docs/barometer.md "First paint"), or the
//                app's map where the page has none.  The first frame whose
//                requestAnimationFrame callback finds the map in the DOM
//                (timed a task later, after that frame), but not before the
//                page's first contentful paint (Paint Timing): Chromium runs
//                frames before it presents the first one, so a frame with
//                the map is on screen at the earliest at the first paint;
//                the first contentful paint is also shown by itself;
//   interactive  the app's map ready: all 3,363 RegSO drawn (svg#map
//                data-areas, set when the map is complete; or, for builds
//                before that, 3,363 RegSO paths in the DOM) and a frame
//                painted.
// Issue 14's target is on the paint of the national map; both are shown.
// Also the renderer main thread's busy time up to interactive (CDP
// Performance.getMetrics: TaskDuration, with its ScriptDuration,
// LayoutDuration and RecalcStyleDuration parts), which says where the time
// goes.  These are times inside the page's tasks, so on a loaded machine
// they grow too.
// Usage: node render.mjs BASE_URL [RUNS] [--throttle[=slow3g|slow4g]]
//   --throttle, --throttle=slow3g: Chromium DevTools' "Slow 3G" network
//     preset (500 kbit/s x 0.8 down and up, 400 ms x 5 = 2,000 ms latency)
//     and 4x CPU slowdown, through the DevTools protocol
//     (Network.emulateNetworkConditions, Emulation.setCPUThrottlingRate);
//   --throttle=slow4g: DevTools' "Slow 4G" preset (formerly "Fast 3G";
//     Lighthouse's mobile profile: 1.6 Mbit/s x 0.9 down, 750 kbit/s x 0.9
//     up, 150 ms x 3.75 = 562.5 ms latency) and 4x CPU slowdown.
//   Also the bytes transferred (encoded, from the resource timing): the
//   page alone (all the first paint needs) and everything to interactive.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const base = args[0];
const runs = Number(args[1] || 5);
const thr = (process.argv.find((a) => a.startsWith('--throttle')) || '').split('=')[1] ?? (process.argv.includes('--throttle') ? 'slow3g' : null);
const PROFILES = {
  slow3g: {latency: 400 * 5, downloadThroughput: (500 * 1000 / 8) * 0.8, uploadThroughput: (500 * 1000 / 8) * 0.8},
  slow4g: {latency: 150 * 3.75, downloadThroughput: (1.6 * 1000 * 1000 / 8) * 0.9, uploadThroughput: (750 * 1000 / 8) * 0.9},
};
if (thr && !PROFILES[thr]) throw new Error(`expected --throttle=slow3g or slow4g, found ${thr}`);
const bytes = [];
const times = [], paints = [], fcps = [], docBytes = [], task = [], script = [], layout = [], style = [];
for (let i = 0; i < runs; i++) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'omrade-render-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: {width: 1280, height: 900},
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  if (thr) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {offline: false, ...PROFILES[thr]});
    await cdp.send('Emulation.setCPUThrottlingRate', {rate: 4});
  }
  // before any script of the page: watch every frame for the map
  await page.addInitScript(() => {
    window.__mapReady = () => Number(document.querySelector('svg#map')?.dataset.areas) >= 3363 ||
      document.querySelectorAll('.mapbox path.area').length >= 3363;
    window.__painted = null;
    const look = () => {
      if (document.querySelector('#fp-map path.fill') || window.__mapReady()) {
        setTimeout(() => { window.__painted = performance.now(); }, 0);
        return;
      }
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await page.goto(`${base}/#/karta?ind=area_type&level=regso&year=2023`);
  await page.waitForFunction(() => window.__mapReady(), null, {timeout: thr ? 120000 : 20000, polling: 'raf'});
  const ms = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now()), 0))));
  times.push(ms);
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
  fcps.push(fcp);
  paints.push(Math.max(await page.evaluate(() => window.__painted), fcp));
  docBytes.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].encodedBodySize));
  bytes.push(await page.evaluate(() => performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
    .reduce((n, e) => n + (e.encodedBodySize || 0), 0)));
  const pm = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
  task.push(pm.TaskDuration * 1000); script.push(pm.ScriptDuration * 1000); layout.push(pm.LayoutDuration * 1000); style.push(pm.RecalcStyleDuration * 1000);
  await ctx.close();
  fs.rmSync(profile, {recursive: true, force: true});
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const span = (a) => `median ${med(a).toFixed(0)} ms, min ${Math.min(...a).toFixed(0)} ms, max ${Math.max(...a).toFixed(0)} ms`;
const target = thr ? 3000 : 600;
console.log(`national RegSO map${thr ? ` (${thr} network, 4x CPU slowdown)` : ''}, ${runs} cold runs (target < ${target} ms):`);
console.log(`  painted:     ${span(paints)} (first contentful paint ${span(fcps)}); page ${(med(docBytes) / 1000).toFixed(1)} kB transferred`);
console.log(`  interactive: ${span(times)}; ${(med(bytes) / 1000).toFixed(1)} kB transferred (response bodies as sent)`);
console.log(`main-thread task time to interactive: median ${med(task).toFixed(0)} ms (script ${med(script).toFixed(0)} ms, ` +
  `style ${med(style).toFixed(0)} ms, layout ${med(layout).toFixed(0)} ms), min ${Math.min(...task).toFixed(0)} ms, max ${Math.max(...task).toFixed(0)} ms`);
