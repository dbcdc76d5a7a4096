// The first paint's shell (web/src/firstpaint.js) and its route
// (router.js firstPaintRoute): index.html's static page for the default view.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {fillTemplate, mainShell, chromeParts, patternsSvg, esc, preloadLinks} from '../../src/firstpaint.js';
import {apiUrl} from '../../src/api.js';
import {parseHash, firstPaintRoute, NAV} from '../../src/router.js';
import {T} from '../../src/i18n.js';
import {patternSpecs, DIV, MARKS} from '../../src/scales.js';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('firstPaintRoute: only the Swedish national area-type map of the painted year', () => {
  const yes = ['', '#/sv/karta', '#/sv/karta?ind=area_type&level=regso&year=2023', '#/karta?view=map', '#/sv'];
  for (const h of yes) assert.ok(firstPaintRoute(parseHash(h, 'sv'), '2023'), h);
  const no = ['#/en/karta', '#/sv/karta?year=2022', '#/sv/karta?ind=low_econ', '#/sv/karta?sel=0114', '#/sv/karta?police=1',
    '#/sv/karta?view=table', '#/sv/om', '#/sv/omrade/0114', '#/sv/karta?level=kommun'];
  for (const h of no) assert.ok(!firstPaintRoute(parseHash(h, 'sv'), '2023'), h);
  // the remembered language decides for a link without one
  assert.ok(!firstPaintRoute(parseHash('#/karta', 'en'), '2023'));
});
test('the shell: heading, legend of the five types and both suppressions, no data', () => {
  const html = mainShell('sv');
  assert.match(html, /<h1 id="fp-h1">Områdestyp <!--fp:year--><\/h1>/);
  const items = [...html.matchAll(/<li><svg[^>]*><rect[^>]*fill="url\(#(fp[a-z0-9]+)\)"><\/rect><\/svg>([^<]*)<\/li>/g)];
  assert.deepEqual(items.map((m) => m[1]), ['fp0', 'fp1', 'fp2', 'fp3', 'fp4', 'fpsup', 'fpsup2', 'fpna']);
  assert.deepEqual(items.map((m) => m[2]), [1, 2, 3, 4, 5].map((k) => esc(T.sv[`type${k}`])).concat([T.sv.primary, T.sv.secondary, T.sv.noData]));
  // the map is labelled by the heading; directives balanced
  assert.ok(html.includes('<div class="mapbox"><!--fp:svg--></div>'));
  assert.equal(html.match(/<!--fp:if /g).length, html.match(/<!--fp:end-->/g).length);
  // every control disabled until the app runs, every one labelled
  for (const m of html.matchAll(/<(select|input|button)\b[^>]*>/g)) assert.match(m[0], / disabled/, m[0]);
  for (const id of ['f-ind', 'f-level', 'f-year', 'f-police', 'f-search']) assert.ok(html.includes(`<label for="${id}"`) || html.includes(`for="${id}">`), id);
  // English exists too (not served today: the route decides)
  assert.ok(mainShell('en').includes(`${T.en.areaType} <!--fp:year-->`));
});
test('the patterns: the specs of every class, as the app draws them', () => {
  const specs = patternSpecs('fp', DIV);
  assert.deepEqual(specs.map((p) => p.id), ['fp0', 'fp1', 'fp2', 'fp3', 'fp4', 'fpsup', 'fpsup2', 'fpna']);
  // each colour its own mark (MARKS), the first none
  specs.slice(0, 5).forEach((p, i) => { assert.equal(p.marks[0][1].fill, DIV[i]); assert.equal(p.marks.length, MARKS[i] ? 2 : 1); });
  const svg = patternsSvg('fp');
  assert.equal(svg.match(/<pattern /g).length, 8);
  assert.ok(svg.includes('aria-hidden="true"'));
});
test('index.html: every placeholder filled, the style sheet inline, the app deferred', () => {
  const tpl = fs.readFileSync(path.join(web, 'index.html'), 'utf8');
  const html = fillTemplate(tpl, 'body{margin:0}');
  assert.ok(!/\{\{/.test(html));
  assert.ok(html.includes('<style>body{margin:0}</style>'));
  assert.match(html, /<script src="app.js" defer><\/script>\s*<\/head>/);
  assert.ok(!html.includes('rel="stylesheet"'));
  // the menu as the app makes it, the map page current
  const parts = chromeParts('sv');
  assert.equal(parts.nav.match(/<li>/g).length, NAV.length);
  assert.ok(parts.nav.includes('<a href="#/sv/karta" aria-current="page">'));
  assert.throws(() => fillTemplate('{{nope}}', ''), /nope/);
  // the preloads after the page's content (the first paint's map)
  assert.ok(html.indexOf(preloadLinks()) > html.indexOf('<!--fp:svg-->') && html.indexOf(preloadLinks()) < html.indexOf('</body>'));
});
test('preloads: the URLs the app fetches for the default view, as a same-origin fetch()', () => {
  const links = (html) => [...html.matchAll(/<link rel="preload" href="([^"]*)" as="fetch" crossorigin>/g)].map((m) => m[1]);
  // as `omrade serve` expands the directives with and without a first paint
  const withMap = preloadLinks().replace(/<!--fp:year-->/g, '2023').replace(/<!--fp:(if map|end)-->/g, '');
  const noMap = preloadLinks().replace(/<!--fp:if map-->.*?<!--fp:end-->/g, '');
  const layerUrl = (n) => fs.readFileSync(path.join(web, 'src/api.js'), 'utf8').match(/fetch\(`(\/api\/geo\/)\$\{name\}`\)/)[1] + n;
  assert.deepEqual(links(withMap), [apiUrl('meta'), layerUrl('regso'), layerUrl('kommun'), apiUrl('types', {year: '2023'})]);
  assert.deepEqual(links(noMap), [apiUrl('meta')]);
});
