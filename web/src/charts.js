// SVG charts: patterns for classes, line chart, inequality index over time,
// bars by area type, population by area type over the years.
import {s} from './dom.js';
import {t} from './i18n.js';
import {DIV, patternSpecs} from './scales.js';
import {isSup, supLabel, typeLabel, num} from './tables.js';

export function patternDefs(prefix, colours) {
  return s('defs', {}, patternSpecs(prefix, colours).map((p) => s('pattern', {id: p.id, width: 6, height: 6, patternUnits: 'userSpaceOnUse'},
    p.marks.map(([tag, attrs]) => s(tag, attrs)))));
}
export function swatch(fill) {
  return s('svg', {width: 28, height: 18, 'aria-hidden': 'true', focusable: 'false'}, s('rect', {width: 28, height: 18, fill}));
}

// series: [{name, pts: [{year, value}]}]
export function lineChart(series, unit, label) {
  const all = series.flatMap((x) => x.pts);
  const W = 640, H = 320, L = 60, B = 40, R = 20, TOP = 20;
  const ys = all.filter((r) => r.value != null).map((r) => r.value);
  const xs = all.map((r) => r.year);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(0, ...ys), y1 = Math.max(...ys) * 1.05 || 1;
  const X = (x) => L + (x1 === x0 ? (W - L - R) / 2 : ((x - x0) / (x1 - x0)) * (W - L - R));
  const Y = (y) => H - B - ((y - y0) / (y1 - y0)) * (H - B - TOP);
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label});
  const axis = s('g', {class: 'axis'}, s('line', {x1: L, x2: W - R, y1: H - B, y2: H - B}), s('line', {x1: L, x2: L, y1: TOP, y2: H - B}));
  for (let k = 0; k <= 4; k++) { const v = y0 + ((y1 - y0) * k) / 4; axis.append(s('text', {x: L - 6, y: Y(v) + 4, 'text-anchor': 'end'}, num(v, unit))); }
  for (let y = x0; y <= x1; y++) axis.append(s('text', {x: X(y), y: H - B + 16, 'text-anchor': 'middle'}, String(y)));
  svg.append(axis);
  const dashes = ['', '6 3', '2 2'];
  series.forEach((ser, i) => {
    const pts = ser.pts.filter((p) => p.value != null);
    // a series may bring its own colour and dashes (one line per area type)
    const colour = ser.colour || (i ? '#b2182b' : '#0b3d6e');
    svg.append(s('path', {d: pts.map((p, k) => `${k ? 'L' : 'M'}${X(p.year)},${Y(p.value)}`).join(''), fill: 'none', stroke: colour, 'stroke-width': 2.5, 'stroke-dasharray': ser.dash ?? dashes[i % 3]}));
    for (const p of pts) svg.append(s(i ? 'rect' : 'circle', i ? {x: X(p.year) - 4, y: Y(p.value) - 4, width: 8, height: 8, fill: colour} : {cx: X(p.year), cy: Y(p.value), r: 4, fill: colour}));
    const last = pts[pts.length - 1];
    if (last) svg.append(s('text', {x: X(last.year) - 4, y: Y(last.value) - 8, 'text-anchor': 'end'}, ser.name));
  });
  return svg;
}

// The inequality index over time: the bias-corrected value (dot) with its
// 95 % interval (bar), the uncorrected plug-in value (ring) and the value
// under random allocation (red dash).
export function ineqChart(rows) {
  const W = 560, H = 220, L = 50, B = 30, TOP = 14, R = 14;
  const xs = rows.map((r) => r.year), ys = rows.flatMap((r) => [r.lower, r.upper, r.value, r.corrected, r.expected]).filter((v) => v != null);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y1 = Math.max(...ys) * 1.1 || 1;
  const X = (x) => L + (x1 === x0 ? (W - L - R) / 2 : ((x - x0) / (x1 - x0)) * (W - L - R));
  const Y = (y) => H - B - (y / y1) * (H - B - TOP);
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('inequality')},
    s('line', {x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: '#555'}), s('line', {x1: L, x2: L, y1: TOP, y2: H - B, stroke: '#555'}));
  for (let k = 0; k <= 4; k++) svg.append(s('text', {x: L - 6, y: Y((y1 * k) / 4) + 4, 'text-anchor': 'end'}, num((y1 * k) / 4)));
  for (const r of rows) {
    svg.append(s('text', {x: X(r.year), y: H - B + 16, 'text-anchor': 'middle'}, String(r.year)));
    if (r.lower != null && r.upper != null) svg.append(s('line', {class: 'interval', x1: X(r.year), x2: X(r.year), y1: Y(r.lower), y2: Y(r.upper), stroke: '#0b3d6e', 'stroke-width': 2}));
    if (r.expected != null) svg.append(s('line', {class: 'expected', x1: X(r.year) - 7, x2: X(r.year) + 7, y1: Y(r.expected), y2: Y(r.expected), stroke: '#b2182b', 'stroke-width': 2}));
    if (r.corrected != null) svg.append(s('circle', {cx: X(r.year), cy: Y(r.corrected), r: 4, fill: '#0b3d6e'}));
    if (r.value != null) svg.append(s('circle', {cx: X(r.year), cy: Y(r.value), r: 4, fill: 'none', stroke: '#0b3d6e', 'stroke-width': 1.5}));
  }
  return svg;
}

export function barChart(rows, unit, label) {
  const W = 640, rowH = 34, L = 300, R = 80;
  const max = Math.max(...rows.map((r) => r.value ?? 0), 0) || 1;
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${W} ${rows.length * rowH + 10}`, role: 'img', 'aria-label': label}, patternDefs('b', DIV));
  rows.forEach((r, i) => {
    const y = 5 + i * rowH;
    svg.append(s('text', {x: L - 8, y: y + 20, 'text-anchor': 'end'}, typeLabel(r.area_type)));
    if (r.value != null && !isSup(r)) {
      const w = ((W - L - R) * r.value) / max;
      const k = String(r.area_type) === '1-2' ? 0 : Number(r.area_type) - 1;
      svg.append(s('rect', {x: L, y: y + 4, width: Math.max(w, 1), height: rowH - 10, fill: `url(#b${k})`, stroke: '#333'}),
        s('text', {x: L + w + 6, y: y + 20}, num(r.value, unit)));
    } else svg.append(s('text', {x: L + 6, y: y + 20}, isSup(r) ? supLabel(r.status) : t('noData')));
  });
  return svg;
}

// Share of the population per area type, one 100 % bar per year; the
// segments use the area-type patterns of the map.  years: [{year,
// shares: [share of type 1..5 in 0..1]}].
export function popChart(years, label) {
  const W = 640, rowH = 34, L = 60, R = 20;
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${W} ${years.length * rowH + 30}`, role: 'img', 'aria-label': label}, patternDefs('pc', DIV));
  years.forEach((yr, i) => {
    const y = 5 + i * rowH;
    svg.append(s('text', {x: L - 8, y: y + 20, 'text-anchor': 'end'}, String(yr.year)));
    let x = L;
    yr.shares.forEach((sh, k) => {
      if (!sh) return;
      const w = (W - L - R) * sh;
      svg.append(s('rect', {class: 'seg', x, y: y + 4, width: w, height: rowH - 10, fill: `url(#pc${k})`, stroke: '#333'}));
      x += w;
    });
  });
  for (let k = 0; k <= 4; k++) svg.append(s('text', {x: L + ((W - L - R) * k) / 4, y: years.length * rowH + 24, 'text-anchor': 'middle'}, `${k * 25} %`));
  return svg;
}
