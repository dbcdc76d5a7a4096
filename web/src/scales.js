// Colour classes for the map, legend and charts: pure functions.
// Five classes, each with a colour AND a pattern so that the legend does not
// rely on colour alone (WCAG 1.4.1).  Colours: viridis (sequential) and a
// red-blue diverging scheme for area types (ColorBrewer RdBu, 5 classes),
// both readable with common colour-vision deficiencies.
export const SEQ = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'];
export const DIV = ['#b2182b', '#ef8a62', '#f7f7f7', '#67a9cf', '#2166ac'];
export const MARKS = ['', 'dots', 'diag', 'cross', 'horiz'];

// Quantile breaks (5 classes) over the published values: the k/5 quantile
// by the lower-index rule (type 1 of Hyndman & Fan without interpolation),
// repeated breaks merged so that repeated values give fewer classes.
export function breaks(values) {
  const v = values.filter((x) => x != null && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!v.length) return [];
  const b = [1, 2, 3, 4].map((k) => v[Math.min(v.length - 1, Math.floor((k * v.length) / 5))]);
  return [...new Set(b)].filter((x) => x > v[0]);
}
// Class index 0..breaks.length: a value equal to a break goes up.
export function classOf(x, br) {
  let i = 0;
  while (i < br.length && x >= br[i]) i++;
  return i;
}
// WCAG 2.1 relative luminance and contrast ratio, used to pick the ink of
// a pattern (and tested so that every pattern's marks stay visible).
export function luminance(hex) {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((u) => (u <= 0.03928 ? u / 12.92 : ((u + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
export const inkFor = (hex) => (contrast(hex, '#ffffff') >= contrast(hex, '#1b1b1b') ? '#ffffff' : '#1b1b1b');

// The fill patterns of the map classes and the legend, as data: one
// pattern per colour (ids prefix0..), then primary (and undistinguished)
// suppression, grey with one hatch; secondary, lighter grey with a
// cross-hatch, so the two differ in pattern as well as shade; no data,
// white.  Each: {id, marks: [[tag, attrs], ...]} on a 6 x 6 tile.  Made
// into elements by charts.js (patternDefs) and into the page's first
// paint as text by firstpaint.js, so both draw the same patterns.
export function patternSpecs(prefix, colours) {
  const tile = (fill, ...marks) => [['rect', {width: 6, height: 6, fill}], ...marks];
  const specs = colours.map((c, i) => {
    const ink = inkFor(c);
    const m = {
      dots: [['circle', {cx: 3, cy: 3, r: 1, fill: ink}]],
      diag: [['path', {d: 'M0,6 L6,0', stroke: ink, 'stroke-width': .8}]],
      cross: [['path', {d: 'M0,6 L6,0 M0,0 L6,6', stroke: ink, 'stroke-width': .7}]],
      horiz: [['path', {d: 'M0,1.5 H6 M0,4.5 H6', stroke: ink, 'stroke-width': .7}]],
    }[MARKS[i]] || [];
    return {id: `${prefix}${i}`, marks: tile(c, ...m)};
  });
  specs.push({id: `${prefix}sup`, marks: tile('#d0d0d0', ['path', {d: 'M0,0 L6,6', stroke: '#1b1b1b', 'stroke-width': 1}])});
  specs.push({id: `${prefix}sup2`, marks: tile('#ececec', ['path', {d: 'M0,0 L6,6 M0,6 L6,0', stroke: '#1b1b1b', 'stroke-width': .8}])});
  specs.push({id: `${prefix}na`, marks: tile('#ffffff')});
  return specs;
}

// The zoom transform {k, x, y} that fits bounds [[x0,y0],[x1,y1]] into a
// W x H view with a margin (share of the view), capped at maxK.
export function fitTransform(bounds, W, H, pad = 0.05, maxK = 40) {
  const [[x0, y0], [x1, y1]] = bounds;
  const dx = Math.max(x1 - x0, 1e-9), dy = Math.max(y1 - y0, 1e-9);
  const k = Math.max(1, Math.min(maxK, (1 - 2 * pad) / Math.max(dx / W, dy / H)));
  return {k, x: W / 2 - k * (x0 + x1) / 2, y: H / 2 - k * (y0 + y1) / 2};
}
