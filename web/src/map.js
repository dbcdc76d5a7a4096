// The choropleth map: d3-geo paths in SWEREF 99 TM's projection, zoom and
// pan with d3-zoom (mouse wheel, drag, double-click, touch pinch), keyboard
// (+ − arrows 0) and buttons, and a fit to the selected kommun or län.
import {geoPath, geoTransverseMercator} from 'd3-geo';
import {feature, meshArcs} from 'topojson-client';
import {select, pointer} from 'd3-selection';
import {zoom, zoomIdentity} from 'd3-zoom';
import {h, s} from './dom.js';
import {t} from './i18n.js';
import {layer} from './api.js';
import {fitTransform} from './scales.js';
import {projectArcs, pathWriter, fitSize, bounds, hitIndex} from './topo.js';

// Features whose code is `code` or lies inside it (a län's 2 digits prefix
// its kommuner and RegSO, a kommun's 4 digits its RegSO).
export const inside = (code) => (c) => c === code || ((code.length === 2 || code.length === 4) && c.startsWith(code));

// The selected area on every map of the page: the `sel` class of a län or
// kommun map's area paths, the selection path of a RegSO map (maps no
// longer in the document are forgotten).
const LIVE = new Set();
export function selectArea(code) {
  document.querySelectorAll('path.area.sel').forEach((p) => p.classList.remove('sel'));
  document.querySelectorAll(`path.area[data-code="${code}"]`).forEach((p) => p.classList.add('sel'));
  for (const m of LIVE) if (m.svg.isConnected) m.select(code); else LIVE.delete(m);
}

// o: {level, defs, classFor(r), byCode, valueText(r), police, onPick(code),
//     label, only (a code: draw only the features inside it), fit (a code
//     to zoom to), id, deso ({byCode, classFor, valueText} when the database
//     has DeSO values, else {}: the DeSO layer from `omrade geom --level
//     deso`, fitted to when nothing else is)}
export async function drawMap(box, o) {
  const topo = await layer(o.level === 'lan' ? 'lan' : o.level === 'kommun' ? 'kommun' : 'regso');
  const all = topo.objects[Object.keys(topo.objects)[0]].geometries;
  const geoms = o.only ? all.filter((g) => inside(o.only)(g.properties.code)) : all;
  const W = 600, H = o.only ? 600 : 1000;
  // Transverse Mercator on 15°E: the projection of SWEREF 99 TM (EPSG:3006),
  // without adaptive resampling (the arcs are dense; firstpaint.c does not
  // resample either).  Paths are written from the topology's arcs, each
  // projected once (topo.js: what geoPath writes, without its clipping).
  const proj = geoTransverseMercator().rotate([-15, 0]).precision(0);
  const arcXY = fitSize(proj, topo, geoms, W, H);
  // 2 decimals: 1/100 of a map unit, under a pixel at the deepest zoom
  const dOf = pathWriter(arcXY, 2);
  // the other layers, projected the same way
  const writer = (t2) => pathWriter(projectArcs(t2, proj), 2);
  // Län and kommun areas are keyboard targets (Tab, then Enter or Space opens
  // the profile); RegSO are not (3,363 tab stops): the table and the search
  // are their keyboard route.  The map itself is one tab stop for zooming.
  const focusable = o.level !== 'regso';
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, role: focusable ? 'group' : 'img', tabindex: focusable ? null : 0,
    'aria-label': `${o.label} ${t('mapKeys')}`, class: 'map', id: o.id || null});
  const g = s('g', {class: 'zoomable'});
  const ring = s('path', {class: 'focusring', d: 'M0,0'});
  const tip = h('div', {class: 'tooltip', hidden: true});
  // Painting (issue 14's first-render target): one filled and outlined
  // path per colour class (a handful of pattern fills instead of one per
  // area).  Län and kommun maps also have a path per area for the
  // keyboard, the pointer, the selection and the tests (data-cls: the
  // class it is painted in), not painted (fill none, pointer-events all)
  // unless hovered, selected or focused.  The RegSO map has none: 3,363
  // more paths were most of its style, layout and DOM time; the pointer
  // finds its area in the topology instead (topo.js hitIndex), and one
  // path each shows the hovered and the selected area.
  const byClass = new Map();
  const areas = s('g', {class: 'areas'});
  const info = new Map(), dOfCode = new Map();
  for (const f of geoms) {
    const code = f.properties.code;
    const r = o.byCode.get(code);
    const v = o.valueText(r);
    const d = dOf(f);
    if (!d) continue;
    const cls = o.classFor(r);
    if (!byClass.has(cls)) byClass.set(cls, {ds: [], fs: []});
    byClass.get(cls).ds.push(d);
    byClass.get(cls).fs.push(f);
    info.set(code, `${f.properties.name}: ${v}`);
    if (!focusable) { dOfCode.set(code, d); continue; }
    const p = s('path', {d, class: 'area', 'data-code': code, 'data-cls': cls, tabindex: 0, role: 'button', 'aria-label': `${f.properties.name}: ${v}`});
    p.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); o.onPick(code); }
    });
    p.addEventListener('focus', () => { ring.setAttribute('d', d); ring.classList.add('on'); });
    p.addEventListener('blur', () => { ring.classList.remove('on'); });
    areas.append(p);
  }
  const fills = s('g', {class: 'fills', 'aria-hidden': 'true'});
  for (const [cls, {ds}] of byClass) fills.append(s('path', {class: 'fill', fill: `url(#p${cls})`, d: ds.join('')}));
  // the areas in the order they are painted (class by class), so that
  // where two overlap the pointer finds the one on top
  const drawn = [...byClass.values()].flatMap((c) => c.fs);
  const hover = s('path', {class: 'hit', d: 'M0,0'}), chosen = s('path', {class: 'hit', d: 'M0,0'});
  // the lookup is made when the browser is idle after the first render, or
  // at the first pointer event if that comes sooner
  let hit = null;
  const lookup = () => (hit ??= hitIndex(arcXY, drawn, W, H));
  if (!focusable) (window.requestIdleCallback || setTimeout)(lookup);
  // the area under the pointer: its element, or its place in the topology
  // (pointer(): the event in the zoomed group's map units)
  const pick = (e) => {
    if (focusable) return (e.target instanceof Element ? e.target.closest('path.area') : null)?.dataset.code ?? null;
    const i = lookup()(...pointer(e, g));
    return i < 0 ? null : drawn[i].properties.code;
  };
  const mark = (p, code) => {
    if (p.dataset.code === (code || '')) return;
    p.dataset.code = code || '';
    const d = code && dOfCode.get(code);
    p.setAttribute('d', d || 'M0,0');
    p.classList.toggle('on', !!d);
  };
  svg.addEventListener('mousemove', (e) => {
    const code = pick(e);
    if (!focusable) mark(hover, code);
    if (!code) { tip.hidden = true; return; }
    const rect = box.getBoundingClientRect();
    tip.textContent = info.get(code);
    tip.hidden = false;
    tip.style.left = `${Math.min(e.clientX - rect.left + 12, rect.width - 160)}px`;
    tip.style.top = `${e.clientY - rect.top + 12}px`;
  });
  svg.addEventListener('mouseleave', () => { tip.hidden = true; mark(hover, null); });
  if (o.onPick) svg.addEventListener('click', (e) => { const code = pick(e); if (code) o.onPick(code); });
  if (!focusable) LIVE.add({svg, select: (code) => mark(chosen, code)});
  g.append(fills, areas);
  svg.append(g);
  if (o.level === 'regso') {
    const k = await layer('kommun');
    const km = o.only ? {type: 'GeometryCollection', geometries: k.objects.kommun.geometries.filter((x) => inside(o.only)(x.properties.code))} : k.objects.kommun;
    g.append(s('path', {class: 'outline', d: writer(k)(meshArcs(k, km, (a, b) => a !== b || !!o.only))}));
  }
  if (o.police) {
    const pol = await layer('police');
    const polD = writer(pol);
    const pg = s('g');
    for (const f of pol.objects.police.geometries) {
      pg.append(s('path', {class: 'police', d: polD(f)}, s('title', {}, `${f.properties.name} (${f.properties.ort}): ${f.properties.category}`)));
    }
    g.append(pg);
  }
  let desoBounds = null;
  if (o.deso) {
    const [dt, rt] = await Promise.all([layer('deso'), layer('regso').catch(() => null)]);
    const dg = dt.objects.deso.geometries;
    const dXY = projectArcs(dt, proj);
    if (dg.length) desoBounds = bounds(dXY, dg);
    g.append(desoLayer(dg, rt, pathWriter(dXY, 2), o.deso));
  }
  g.append(...(focusable ? [ring] : [hover, chosen]));

  // Names on the map once zoomed in far enough for them to fit: a label is
  // shown when its area is on screen at least as wide as its text (about
  // 0.55 em per character at 11 px).  Made at the first zoom, not in the
  // first render (3,363 RegSO); the text keeps 11 px whatever the zoom
  // (font size 11/k inside the scaled group).  Decorative: the same names
  // are in the table, the tooltips and the area's aria-label.
  let labels = null, pending = null;
  const LABEL_PX = 11;
  const makeLabels = () => {
    labels = s('g', {class: 'labels', 'aria-hidden': 'true'});
    const path = geoPath(proj);
    for (const f of feature(topo, {type: 'GeometryCollection', geometries: geoms}).features) {
      const [x, y] = path.centroid(f);
      if (!Number.isFinite(x)) continue;
      const [[x0], [x1]] = path.bounds(f);
      const name = f.properties.name || '';
      const el = s('text', {x: x.toFixed(1), y: y.toFixed(1), 'text-anchor': 'middle', 'dominant-baseline': 'middle', display: 'none'}, name);
      Object.assign(el, {_x: x, _y: y, _w: x1 - x0, _need: name.length * LABEL_PX * 0.55, _on: false});
      labels.append(el);
    }
    g.insertBefore(labels, focusable ? ring : null);
  };
  // Only areas whose centre is in view get a label; run once per frame.
  const showLabels = (tr) => {
    if (tr.k < 1.5) { if (labels) labels.setAttribute('display', 'none'); return; }
    if (!labels) makeLabels();
    labels.removeAttribute('display');
    const px = (svg.getBoundingClientRect().width || W) / W; // screen px per map unit at k = 1
    labels.setAttribute('font-size', (LABEL_PX / (tr.k * px)).toFixed(3));
    labels.setAttribute('stroke-width', (3 / (tr.k * px)).toFixed(3));
    const x0 = -tr.x / tr.k, x1 = (W - tr.x) / tr.k, y0 = -tr.y / tr.k, y1 = (H - tr.y) / tr.k;
    for (const el of labels.children) {
      const on = el._x >= x0 && el._x <= x1 && el._y >= y0 && el._y <= y1 && el._w * tr.k * px >= el._need;
      if (on !== el._on) { el._on = on; el.setAttribute('display', on ? 'inline' : 'none'); }
    }
  };
  const queueLabels = (tr) => {
    if (pending) { pending.tr = tr; return; }
    pending = {tr};
    requestAnimationFrame(() => { const p = pending; pending = null; showLabels(p.tr); });
  };

  // Zoom: scale 1 (whole map) to 60, panning kept inside the map.
  const zm = zoom().scaleExtent([1, 60]).translateExtent([[0, 0], [W, H]])
    .on('zoom', (e) => {
      g.setAttribute('transform', e.transform.toString());
      svg.dataset.k = e.transform.k.toFixed(3);
      svg.classList.toggle('zoomed', e.transform.k > 1.01);
      queueLabels(e.transform);
    });
  const sel = select(svg).call(zm);
  const by = (k) => zm.scaleBy(sel, k);
  const pan = (dx, dy) => zm.translateBy(sel, dx / zoomK(svg), dy / zoomK(svg));
  const reset = () => zm.transform(sel, zoomIdentity);
  svg.addEventListener('keydown', (e) => {
    const step = 40;
    const act = {'+': () => by(1.5), '=': () => by(1.5), '-': () => by(1 / 1.5), '0': reset,
      ArrowLeft: () => pan(step, 0), ArrowRight: () => pan(-step, 0), ArrowUp: () => pan(0, step), ArrowDown: () => pan(0, -step)}[e.key];
    if (act) { e.preventDefault(); act(); }
  });
  const tools = h('div', {class: 'zoomtools', role: 'group', 'aria-label': t('zoomTools')},
    h('button', {type: 'button', id: `${o.id || 'map'}-zin`, 'aria-label': t('zoomIn'), title: t('zoomIn'), onclick: () => by(1.5), text: '+'}),
    h('button', {type: 'button', id: `${o.id || 'map'}-zout`, 'aria-label': t('zoomOut'), title: t('zoomOut'), onclick: () => by(1 / 1.5), text: '−'}),
    h('button', {type: 'button', id: `${o.id || 'map'}-zreset`, 'aria-label': t('zoomReset'), title: t('zoomReset'), onclick: reset, text: '⤢'}));
  box.replaceChildren(tools, svg, tip);
  const fitTo = (code) => {
    const fs = geoms.filter((f) => inside(code)(f.properties.code));
    if (!fs.length) return false;
    const b = bounds(arcXY, fs);
    const tr = fitTransform(b, W, H, 0.05, 60);
    zm.transform(sel, zoomIdentity.translate(tr.x, tr.y).scale(tr.k));
    return true;
  };
  if (o.fit) fitTo(o.fit);
  else if (desoBounds) {
    const tr = fitTransform(desoBounds, W, H, 0.05, 60);
    zm.transform(sel, zoomIdentity.translate(tr.x, tr.y).scale(tr.k));
  }
  // complete: the number of areas drawn (render.mjs and the tests wait for it)
  svg.dataset.areas = String(drawn.length);
  return {fitTo, reset};
}

// The DeSO layer: each DeSO filled by its value where the database has
// DeSO values (o.byCode), else drawn as an outline; its title names the
// DeSO and its RegSO (from the RegSO layer).  Not keyboard targets, like
// RegSO: the layer is a view of boundaries, the tables are the data.
function desoLayer(geoms, regsoTopo, dOf, o) {
  const regsoName = new Map(regsoTopo ? regsoTopo.objects.regso.geometries.map((x) => [x.properties.code, x.properties.name]) : []);
  const dg = s('g', {class: o.byCode ? 'deso filled' : 'deso'});
  for (const f of geoms) {
    const {code, regso} = f.properties;
    const r = o.byCode ? o.byCode.get(code) : undefined;
    const rn = regsoName.get(regso);
    const tip = `DeSO ${code}, RegSO ${rn ? `${rn} (${regso})` : regso}${o.byCode ? `: ${o.valueText(r)}` : ''}`;
    dg.append(s('path', {d: dOf(f), class: 'desoarea', 'data-code': code,
      ...(o.byCode ? {fill: `url(#p${o.classFor(r)})`} : {})}, s('title', {}, tip)));
  }
  return dg;
}
const zoomK = (svg) => Number(svg.dataset.k || 1);
