// Benchmark (not a test): time to the first render of the national RegSO
// map in headless Chromium, cold cache (a fresh profile per run).  Measured
// in the page from navigation start until the 3,363 RegSO paths are in the
// DOM and a frame has been painted.  Also the renderer main thread's busy
// time up to then (CDP Performance.getMetrics: TaskDuration, with its
// ScriptDuration, LayoutDuration and RecalcStyleDuration parts), which says
// where the time goes.  These are times inside the page's tasks, so on a
// loaded machine they grow too.
// Usage: node render.mjs BASE_URL [RUNS]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';
const base = process.argv[2];
const runs = Number(process.argv[3] || 5);
const times = [], task = [], script = [], layout = [], style = [];
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
  await page.goto(`${base}/#/karta?ind=area_type&level=regso&year=2023`);
  await page.waitForFunction(() => document.querySelectorAll('.mapbox path.area').length >= 3363, null, {timeout: 20000, polling: 'raf'});
  const ms = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now()), 0))));
  times.push(ms);
  const pm = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
  task.push(pm.TaskDuration * 1000); script.push(pm.ScriptDuration * 1000); layout.push(pm.LayoutDuration * 1000); style.push(pm.RecalcStyleDuration * 1000);
  await ctx.close();
  fs.rmSync(profile, {recursive: true, force: true});
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
times.sort((a, b) => a - b);
console.log(`first render of the national RegSO layer: median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, ` +
  `min ${times[0].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms over ${runs} cold runs (target < 1500 ms)`);
console.log(`main-thread task time to that point: median ${med(task).toFixed(0)} ms (script ${med(script).toFixed(0)} ms, ` +
  `style ${med(style).toFixed(0)} ms, layout ${med(layout).toFixed(0)} ms), min ${Math.min(...task).toFixed(0)} ms, max ${Math.max(...task).toFixed(0)} ms`);
