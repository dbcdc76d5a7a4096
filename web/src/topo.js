// SVG paths straight from a TopoJSON topology, each arc decoded and
// projected once (issue 14, item 1: the national RegSO map's first render).
// d3-geo's geoPath streams every feature through the projection's
// antimeridian clipping, which tests each ring against the sphere
// (polygonContains with compensated sums): for 3,363 RegSO that, and the
// same again in fitSize, was most of the map's script time.  The layers
// are Swedish areas, far from the antimeridian, so clipping never cuts a
// ring and the output here is what geoPath with precision(0) writes: the
// rings as topojson-client's feature() assembles them from arcs (shared
// junction points once), without the closing point, "M x,y L … Z", numbers
// rounded to `digits` decimals as d3-path's appendRound does.  Fitting is
// d3's fitExtent on the projected vertices (d3-geo src/projection/fit.js).
// Pure: a topology and a point projection in, strings and numbers out.

// The arcs' points projected, one Float64Array [x0, y0, x1, y1, …] per
// arc, made on first use (a kommun map touches few of the RegSO arcs).
// project: [lon, lat] -> [x, y], e.g. a d3 projection.
export function projectArcs(topo, project) {
  const {arcs, transform: tf} = topo;
  const out = new Array(arcs.length);
  const get = (i) => {
    if (out[i]) return out[i];
    const a = arcs[i], r = new Float64Array(2 * a.length);
    // quantized topologies store deltas (TopoJSON spec 2.1.3), as
    // topojson-client's transform() decodes them
    let x = 0, y = 0;
    for (let j = 0; j < a.length; j++) {
      let px = a[j][0], py = a[j][1];
      if (tf) { x += px; y += py; px = x * tf.scale[0] + tf.translate[0]; py = y * tf.scale[1] + tf.translate[1]; }
      const p = project([px, py]);
      r[2 * j] = p[0]; r[2 * j + 1] = p[1];
    }
    return (out[i] = r);
  };
  get.done = (i) => !!out[i];
  return get;
}

// The arc indices of a geometry's rings or lines (~i: arc i backwards), as
// lists: Polygon [ring], MultiPolygon [[ring]], LineString, MultiLineString.
const linesOf = (g) => (g.type === 'Polygon' || g.type === 'MultiLineString' ? g.arcs
  : g.type === 'MultiPolygon' ? g.arcs.flat() : g.type === 'LineString' ? [g.arcs] : []);

// [[x0, y0], [x1, y1]]: the bounds of the geometries' projected vertices.
export function bounds(arcXY, geometries) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const g of geometries) {
    for (const line of linesOf(g)) {
      for (const i of line) {
        const r = arcXY(i < 0 ? ~i : i);
        for (let j = 0; j < r.length; j += 2) {
          const x = r[j], y = r[j + 1];
          if (x < x0) x0 = x; if (x > x1) x1 = x;
          if (y < y0) y0 = y; if (y > y1) y1 = y;
        }
      }
    }
  }
  return [[x0, y0], [x1, y1]];
}

// d3's fitSize([W, H], geometries) for a projection whose scale and
// translate act on its output as p -> t + s * p (every d3 projection):
// the bounds at scale 150 and translate [0, 0], then the scale and
// translate that centre them in W x H, set on `proj`.  Returns the arcs
// projected by the fitted `proj`, made from those at scale 150 by that
// affine map (one pass of the projection; the same numbers as projecting
// again, up to the last bits), or projected now if the bounds did not need
// them (arcs of areas not drawn).
export function fitSize(proj, topo, geometries, W, H) {
  proj.scale(150).translate([0, 0]);
  const at150 = projectArcs(topo, proj);
  const [[x0, y0], [x1, y1]] = bounds(at150, geometries);
  const k = Math.min(W / (x1 - x0), H / (y1 - y0));
  const tx = (W - k * (x1 + x0)) / 2, ty = (H - k * (y1 + y0)) / 2;
  proj.scale(150 * k).translate([tx, ty]);
  const fresh = projectArcs(topo, proj);
  const out = new Array(topo.arcs.length);
  return (i) => {
    if (out[i]) return out[i];
    if (!at150.done(i)) return (out[i] = fresh(i));
    const r = at150(i).slice();
    for (let j = 0; j < r.length; j += 2) { r[j] = tx + k * r[j]; r[j + 1] = ty + k * r[j + 1]; }
    return (out[i] = r);
  };
}

// The path writer of one projected topology: d(geometry) for polygons and
// lines, each arc's points formatted once (neighbours share the arc).
export function pathWriter(arcXY, digits = 2) {
  const m = 10 ** digits;
  const cache = new Map();
  const pts = (i) => {
    let s = cache.get(i);
    if (!s) {
      const r = arcXY(i);
      s = new Array(r.length / 2);
      for (let j = 0; j < r.length; j += 2) s[j / 2] = `${Math.round(r[j] * m) / m},${Math.round(r[j + 1] * m) / m}`;
      cache.set(i, s);
    }
    return s;
  };
  // topojson-client's line(): each arc after the first starts where the
  // previous ended, so its first point replaces the previous last one
  const points = (line) => {
    const out = [];
    for (const i of line) {
      const s = pts(i < 0 ? ~i : i);
      if (out.length) out.pop();
      if (i < 0) for (let j = s.length - 1; j >= 0; j--) out.push(s[j]);
      else for (let j = 0; j < s.length; j++) out.push(s[j]);
    }
    return out;
  };
  // A ring's points are each arc's but its last (the next arc's first, or
  // for the last arc the ring's first, which d3 does not repeat before Z):
  // one string per arc and direction, made once.
  const heads = new Map();
  const head = (i) => {
    let h = heads.get(i);
    if (h === undefined) {
      const p = pts(i < 0 ? ~i : i);
      h = (i < 0 ? p.slice(1).reverse() : p.slice(0, -1)).join('L');
      heads.set(i, h);
    }
    return h;
  };
  const ring = (line) => {
    let n = 0;
    for (const i of line) n += pts(i < 0 ? ~i : i).length - 1;
    if (n >= 3) return `M${line.map(head).join('L')}Z`;
    // degenerate rings as topojson-client's ring() pads them (at least 4)
    const p = points(line);
    if (!p.length) return '';
    while (p.length < 4) p.push(p[0]);
    p.pop(); // d3 streams a ring without its closing point, then closes it
    return `M${p.join('L')}Z`;
  };
  const open = (line) => {
    const p = points(line);
    if (!p.length) return '';
    if (p.length < 2) p.push(p[0]);
    return `M${p.join('L')}`;
  };
  return (g) => {
    if (!g) return '';
    if (g.type === 'Polygon') return g.arcs.map(ring).join('');
    if (g.type === 'MultiPolygon') return g.arcs.map((poly) => poly.map(ring).join('')).join('');
    if (g.type === 'LineString') return open(g.arcs);
    if (g.type === 'MultiLineString') return g.arcs.map(open).join('');
    return '';
  };
}

// "Which area is at (x, y)?" for a map drawn as one path per colour class
// (the national RegSO map: no element per area to receive the pointer).
// A uniform grid over W x H holds each area's index in the cells its
// bounding box covers; an area there is tested by the crossing number of
// its rings (even-odd: holes and islands are rings; Shimrat 1962,
// "Algorithm 112: Position of point relative to polygon"), its rings
// assembled from the arcs on first test.  Areas later in `geometries` win
// where two overlap, as later paths are painted on top.  Returns
// (x, y) -> index into `geometries`, or -1.
export function hitIndex(arcXY, geometries, W, H, cols = 60) {
  const cell = W / cols, rows = Math.ceil(H / cell);
  const grid = Array.from({length: cols * rows}, () => []);
  const clampC = (v) => Math.max(0, Math.min(cols - 1, Math.floor(v / cell)));
  const clampR = (v) => Math.max(0, Math.min(rows - 1, Math.floor(v / cell)));
  geometries.forEach((g, gi) => {
    const [[x0, y0], [x1, y1]] = bounds(arcXY, [g]);
    if (!(x0 <= x1)) return; // no points
    for (let r = clampR(y0); r <= clampR(y1); r++) for (let c = clampC(x0); c <= clampC(x1); c++) grid[r * cols + c].push(gi);
  });
  const rings = new Map();
  const ringsOf = (gi) => {
    let rs = rings.get(gi);
    if (!rs) {
      rs = linesOf(geometries[gi]).map((line) => {
        const pts = [];
        for (const i of line) {
          const r = arcXY(i < 0 ? ~i : i), n = r.length / 2;
          if (pts.length) pts.length -= 2; // the junction once, as in pathWriter
          for (let j = 0; j < n; j++) { const k = i < 0 ? n - 1 - j : j; pts.push(r[2 * k], r[2 * k + 1]); }
        }
        return pts;
      });
      rings.set(gi, rs);
    }
    return rs;
  };
  const inside = (gi, x, y) => {
    let c = false;
    for (const p of ringsOf(gi)) {
      for (let i = 0, j = p.length - 2; i < p.length; j = i, i += 2) {
        const xi = p[i], yi = p[i + 1], xj = p[j], yj = p[j + 1];
        if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
      }
    }
    return c;
  };
  return (x, y) => {
    if (!(x >= 0 && x <= W && y >= 0 && y <= H)) return -1;
    const cand = grid[clampR(y) * cols + clampC(x)];
    for (let k = cand.length - 1; k >= 0; k--) if (inside(cand[k], x, y)) return cand[k];
    return -1;
  };
}
