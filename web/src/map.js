// The choropleth map: d3-geo paths in SWEREF 99 TM's projection, zoom and
// pan with d3-zoom (mouse wheel, drag, double-click, touch pinch), keyboard
// (+ − arrows 0) and buttons, and a fit to the selected kommun or län.
import {geoPath, geoTransverseMercator} from 'd3-geo';
import {feature, mesh} from 'topojson-client';
import {select} from 'd3-selection';
import {zoom, zoomIdentity} from 'd3-zoom';
import {h, s} from './dom.js';
import {t} from './i18n.js';
import {layer} from './api.js';
import {fitTransform} from './scales.js';

// Features whose code is `code` or lies inside it (a län's 2 digits prefix
// its kommuner and RegSO, a kommun's 4 digits its RegSO).
export const inside = (code) => (c) => c === code || ((code.length === 2 || code.length === 4) && c.startsWith(code));

// o: {level, defs, classFor(r), byCode, valueText(r), police, onPick(code),
//     label, only (a code: draw only the features inside it), fit (a code
//     to zoom to), id, deso ({byCode, classFor, valueText} when the database
//     has DeSO values, else {}: the DeSO layer from `omrade geom --level
//     deso`, fitted to when nothing else is)}
export async function drawMap(box, o) {
  const topo = await layer(o.level === 'lan' ? 'lan' : o.level === 'kommun' ? 'kommun' : 'regso');
  let fc = feature(topo, topo.objects[Object.keys(topo.objects)[0]]);
  if (o.only) fc = {type: 'FeatureCollection', features: fc.features.filter((f) => inside(o.only)(f.properties.code))};
  const W = 600, H = o.only ? 600 : 1000;
  // Transverse Mercator on 15°E: the projection of SWEREF 99 TM (EPSG:3006).
  const proj = geoTransverseMercator().rotate([-15, 0]).fitSize([W, H], fc);
  // 2 decimals: 1/100 of a map unit, under a pixel at the deepest zoom
  const path = geoPath(proj).digits(2);
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
  // path per colour class (a handful of pattern fills instead of 3,363);
  // the per-area paths stay for the pointer, the keyboard, the
  // selection and the tests (data-cls: the class each is painted in), but are not painted (fill none, pointer-events
  // all) unless hovered, selected or focused.  Pointer events are delegated
  // to the group: one listener each instead of three per area.
  const byClass = new Map();
  const areas = s('g', {class: 'areas'});
  const info = new Map();
  for (const f of fc.features) {
    const code = f.properties.code;
    const r = o.byCode.get(code);
    const v = o.valueText(r);
    const d = path(f);
    if (!d) continue;
    const cls = o.classFor(r);
    if (!byClass.has(cls)) byClass.set(cls, []);
    byClass.get(cls).push(d);
    info.set(code, `${f.properties.name}: ${v}`);
    const p = s('path', {d, class: 'area', 'data-code': code, 'data-cls': cls,
      ...(focusable ? {tabindex: 0, role: 'button', 'aria-label': `${f.properties.name}: ${v}`} : {})});
    if (focusable) {
      p.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); o.onPick(code); }
      });
      p.addEventListener('focus', () => { ring.setAttribute('d', d); ring.classList.add('on'); });
      p.addEventListener('blur', () => { ring.classList.remove('on'); });
    }
    areas.append(p);
  }
  const fills = s('g', {class: 'fills', 'aria-hidden': 'true'});
  for (const [cls, ds] of byClass) fills.append(s('path', {class: 'fill', fill: `url(#p${cls})`, d: ds.join('')}));
  const target = (e) => (e.target instanceof Element ? e.target.closest('path.area') : null);
  areas.addEventListener('mousemove', (e) => {
    const p = target(e);
    if (!p) { tip.hidden = true; return; }
    const rect = box.getBoundingClientRect();
    tip.textContent = info.get(p.dataset.code);
    tip.hidden = false;
    tip.style.left = `${Math.min(e.clientX - rect.left + 12, rect.width - 160)}px`;
    tip.style.top = `${e.clientY - rect.top + 12}px`;
  });
  areas.addEventListener('mouseleave', () => { tip.hidden = true; });
  if (o.onPick) areas.addEventListener('click', (e) => { const p = target(e); if (p) o.onPick(p.dataset.code); });
  g.append(fills, areas);
  svg.append(g);
  if (o.level === 'regso') {
    const k = await layer('kommun');
    const km = o.only ? {type: 'GeometryCollection', geometries: k.objects.kommun.geometries.filter((x) => inside(o.only)(x.properties.code))} : k.objects.kommun;
    g.append(s('path', {class: 'outline', d: path(mesh(k, km, (a, b) => a !== b || !!o.only))}));
  }
  if (o.police) {
    const pol = await layer('police');
    const pf = feature(pol, pol.objects.police);
    const pg = s('g');
    for (const f of pf.features) {
      pg.append(s('path', {class: 'police', d: path(f)}, s('title', {}, `${f.properties.name} (${f.properties.ort}): ${f.properties.category}`)));
    }
    g.append(pg);
  }
  let desoFc = null;
  if (o.deso) {
    const [dt, rt] = await Promise.all([layer('deso'), layer('regso').catch(() => null)]);
    desoFc = feature(dt, dt.objects.deso);
    g.append(desoLayer(desoFc, rt, path, o.deso));
  }
  if (focusable) g.append(ring);

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
    for (const f of fc.features) {
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
    const fs = fc.features.filter((f) => inside(code)(f.properties.code));
    if (!fs.length) return false;
    const b = path.bounds({type: 'FeatureCollection', features: fs});
    const tr = fitTransform(b, W, H, 0.05, 60);
    zm.transform(sel, zoomIdentity.translate(tr.x, tr.y).scale(tr.k));
    return true;
  };
  if (o.fit) fitTo(o.fit);
  else if (desoFc && desoFc.features.length) {
    const tr = fitTransform(path.bounds(desoFc), W, H, 0.05, 60);
    zm.transform(sel, zoomIdentity.translate(tr.x, tr.y).scale(tr.k));
  }
  return {fitTo, reset};
}

// The DeSO layer: each DeSO filled by its value where the database has
// DeSO values (o.byCode), else drawn as an outline; its title names the
// DeSO and its RegSO (from the RegSO layer).  Not keyboard targets, like
// RegSO: the layer is a view of boundaries, the tables are the data.
function desoLayer(fc, regsoTopo, path, o) {
  const regsoName = new Map(regsoTopo ? regsoTopo.objects.regso.geometries.map((x) => [x.properties.code, x.properties.name]) : []);
  const dg = s('g', {class: o.byCode ? 'deso filled' : 'deso'});
  for (const f of fc.features) {
    const {code, regso} = f.properties;
    const r = o.byCode ? o.byCode.get(code) : undefined;
    const rn = regsoName.get(regso);
    const tip = `DeSO ${code}, RegSO ${rn ? `${rn} (${regso})` : regso}${o.byCode ? `: ${o.valueText(r)}` : ''}`;
    dg.append(s('path', {d: path(f), class: 'desoarea', 'data-code': code,
      ...(o.byCode ? {fill: `url(#p${o.classFor(r)})`} : {})}, s('title', {}, tip)));
  }
  return dg;
}
const zoomK = (svg) => Number(svg.dataset.k || 1);
