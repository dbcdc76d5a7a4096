// Build the barometer's map layers as TopoJSON (run at build time by
// web/scripts/build.mjs; see docs/barometer.md "Geometry").
//
//   lan.topo.json     21 län, merged from the real kommun boundaries
//   kommun.topo.json  290 real kommun boundaries (SCB, WGS84)
//   regso.topo.json   3,363 SCHEMATIC RegSO cells (property schematic=true)
//   police.topo.json  the police's 2023 vulnerable areas, reprojected from
//                     SWEREF 99 TM (EPSG:3006) to WGS84
//
// Topology: kommun boundaries are simplified once, as a topology (shared arcs
// simplified together, so neighbours never gap or overlap: Visvalingam
// effective-area weights from topojson-simplify); län are merged from the
// simplified kommun topology; schematic RegSO cells are cut out of the
// simplified kommun polygons, so they tile each kommun exactly.
//
// Schematic RegSO cells: SCB's RegSO boundaries are not open in this repo, so
// each kommun with n RegSO is split into n cells by a centroidal Voronoi
// tessellation (Lloyd's algorithm = k-means over a regular grid of points
// inside the kommun, Du, Faber & Gunzburger, SIAM Review 41(4) 1999).  Seeds
// are snapped to their nearest grid point so every seed lies inside the
// kommun and every cell is non-empty.  RegSO codes are assigned to cells in
// reading order (north to south, west to east).  The cells show how many
// RegSO a kommun has and let values be mapped; they are not real boundaries.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {topology} from 'topojson-server';
import {feature, merge} from 'topojson-client';
import {presimplify, simplify, quantile} from 'topojson-simplify';
import {Delaunay} from 'd3-delaunay';
import polygonClipping from 'polygon-clipping';
import * as shapefile from 'shapefile';
import proj4 from 'proj4';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

function readCsvRegso() {
  // SCB mapping Kommun,Kommunnamn,DeSO_2018,RegSO_2020,RegSOkod_2020 (no quoted commas)
  const text = fs.readFileSync(path.join(repo, 'data/scb/koppling-deso2018-regso2020.csv'), 'utf8')
    .replace(/^\uFEFF/, '');
  const byKommun = new Map();
  const seen = new Set();
  for (const line of text.split(/\r?\n/).slice(1)) {
    if (!line) continue;
    const [kommun, , , name, code] = line.split(',');
    if (seen.has(code)) continue;
    seen.add(code);
    if (!byKommun.has(kommun)) byKommun.set(kommun, []);
    byKommun.get(kommun).push({code, name});
  }
  for (const list of byKommun.values()) list.sort((a, b) => (a.code < b.code ? -1 : 1));
  return byKommun;
}

// Deterministic PRNG (mulberry32) seeded per kommun so output is reproducible.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ringContains(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function multiContains(mp, x, y) {
  for (const poly of mp) {
    if (!ringContains(poly[0], x, y)) continue;
    let hole = false;
    for (let h = 1; h < poly.length; h++) if (ringContains(poly[h], x, y)) { hole = true; break; }
    if (!hole) return true;
  }
  return false;
}

function cellsForKommun(geom, n, seed) {
  const mp = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  if (n <= 1) return [mp];
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const poly of mp) for (const [x, y] of poly[0]) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  // Work in a local equirectangular plane (x scaled by cos(latitude)) so that
  // cells are compact on the ground, not in degrees.
  const kx = Math.cos(((y0 + y1) / 2) * Math.PI / 180);
  const target = Math.max(400, 40 * n);
  let step = Math.sqrt(((x1 - x0) * kx * (y1 - y0)) / target);
  let pts = [];
  for (let tries = 0; tries < 6; tries++) {
    pts = [];
    for (let y = y0 + step / 2; y < y1; y += step)
      for (let x = x0 + step / (2 * kx); x < x1; x += step / kx)
        if (multiContains(mp, x, y)) pts.push([x * kx, y]);
    if (pts.length >= Math.min(target, 4 * n)) break;
    step /= 2;
  }
  if (!pts.length) throw new Error(`no grid points in kommun ${seed} ${JSON.stringify([x0,y0,x1,y1,kx,step])}`);
  const rand = rng(seed);
  // k-means++ initialisation, then Lloyd iterations.
  const cent = [pts[Math.floor(rand() * pts.length)].slice()];
  const d2 = new Float64Array(pts.length).fill(Infinity);
  while (cent.length < n) {
    const c = cent[cent.length - 1];
    let sum = 0;
    for (let i = 0; i < pts.length; i++) {
      const dx = pts[i][0] - c[0], dy = pts[i][1] - c[1];
      d2[i] = Math.min(d2[i], dx * dx + dy * dy);
      sum += d2[i];
    }
    let r = rand() * sum, i = 0;
    while (i < pts.length - 1 && (r -= d2[i]) > 0) i++;
    cent.push(pts[i].slice());
  }
  const assign = new Int32Array(pts.length);
  for (let iter = 0; iter < 20; iter++) {
    const sx = new Float64Array(n), sy = new Float64Array(n), cnt = new Int32Array(n);
    for (let i = 0; i < pts.length; i++) {
      let best = 0, bd = Infinity;
      for (let k = 0; k < n; k++) {
        const dx = pts[i][0] - cent[k][0], dy = pts[i][1] - cent[k][1], d = dx * dx + dy * dy;
        if (d < bd) { bd = d; best = k; }
      }
      assign[i] = best; sx[best] += pts[i][0]; sy[best] += pts[i][1]; cnt[best]++;
    }
    for (let k = 0; k < n; k++) if (cnt[k]) cent[k] = [sx[k] / cnt[k], sy[k] / cnt[k]];
  }
  // Snap each seed to the nearest unused grid point (inside the kommun).
  const used = new Set();
  const seeds = cent.map((c) => {
    let best = -1, bd = Infinity;
    for (let i = 0; i < pts.length; i++) {
      if (used.has(i)) continue;
      const dx = pts[i][0] - c[0], dy = pts[i][1] - c[1], d = dx * dx + dy * dy;
      if (d < bd) { bd = d; best = i; }
    }
    used.add(best);
    return pts[best];
  });
  seeds.sort((a, b) => (b[1] - a[1]) || (a[0] - b[0]));
  const pad = 0.01;
  const vor = Delaunay.from(seeds).voronoi([x0 * kx - pad, y0 - pad, x1 * kx + pad, y1 + pad]);
  const cells = [];
  for (let k = 0; k < n; k++) {
    const ring = vor.cellPolygon(k).map(([x, y]) => [x / kx, y]);
    const cut = polygonClipping.intersection([ring], mp);
    cells.push(cut);
  }
  return cells;
}

// d3-geo (spherical) wants exterior rings clockwise and holes
// counter-clockwise as seen on a map (the opposite of RFC 7946);
// polygon-clipping returns RFC 7946 order, so every layer is rewound.
function ringArea(r) {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j][0] - r[i][0]) * (r[j][1] + r[i][1]);
  return a / 2; // > 0: counter-clockwise with y up
}
function rewind(geom) {
  const fix = (poly) => poly.map((ring, k) => ((ringArea(ring) > 0) === (k === 0) ? ring.slice().reverse() : ring));
  if (geom.type === 'Polygon') return {type: 'Polygon', coordinates: fix(geom.coordinates)};
  if (geom.type === 'MultiPolygon') return {type: 'MultiPolygon', coordinates: geom.coordinates.map(fix)};
  return geom;
}

function round(coords, d) {
  const f = 10 ** d;
  return JSON.parse(JSON.stringify(coords), (k, v) => (typeof v === 'number' ? Math.round(v * f) / f : v));
}

async function police() {
  const sweref = '+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';
  const project = (c) => proj4(sweref, 'WGS84', c);
  const reproj = (g) => g.type === 'Polygon'
    ? {type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(project))}
    : {type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(project)))};
  const src = await shapefile.open(path.join(repo, 'data/polisen/uso_2023.shp'),
    path.join(repo, 'data/polisen/uso_2023.dbf'), {encoding: 'utf-8'});
  const features = [];
  for (;;) {
    const {done, value} = await src.read();
    if (done) break;
    const p = value.properties;
    features.push({type: 'Feature', properties: {name: p.NAMN, category: p.KATEGORI, ort: p.ORT,
      region: p.REGION}, geometry: reproj(value.geometry)});
  }
  return {type: 'FeatureCollection', features};
}

export async function buildGeo(outDir) {
  fs.mkdirSync(outDir, {recursive: true});
  const raw = JSON.parse(fs.readFileSync(path.join(repo, 'data/geo/swe-maps-kommun.geojson'), 'utf8'));
  // The shipped kommun boundaries are already generalised (9,748 vertices for
  // Sweden); Visvalingam simplification (topojson-simplify) on top of that
  // collapses small islands, so it only runs when GEO_SIMPLIFY=q (the weight
  // quantile to drop) is set.  Either way the layers are built as topologies.
  let topo = topology({kommun: raw}, 1e6);
  const q = parseFloat(process.env.GEO_SIMPLIFY || '0');
  if (q > 0) topo = simplify(presimplify(topo), quantile(presimplify(topo), q));
  const kommunFc = feature(topo, topo.objects.kommun);
  const kommunFeatures = kommunFc.features.map((f) => ({type: 'Feature',
    properties: {code: f.properties.KnKod, name: f.properties.KnNamn}, geometry: f.geometry}));
  const lanNames = new Map(fs.readFileSync(path.join(repo, 'data/geo/lan.csv'), 'utf8')
    .replace(/^\uFEFF/, '').split(/\r?\n/).slice(1).filter(Boolean).map((l) => l.split(',')));
  const byLan = new Map();
  topo.objects.kommun.geometries.forEach((g) => {
    const code = g.properties.KnKod.slice(0, 2);
    if (!byLan.has(code)) byLan.set(code, []);
    byLan.get(code).push(g);
  });
  const lanFeatures = [...byLan.keys()].sort().map((code) => ({type: 'Feature',
    properties: {code, name: lanNames.get(code) || code}, geometry: merge(topo, byLan.get(code))}));

  const regso = readCsvRegso();
  const regsoFeatures = [];
  for (const f of kommunFeatures) {
    const list = regso.get(f.properties.code) || [];
    const cells = cellsForKommun(f.geometry, list.length, parseInt(f.properties.code, 10));
    list.forEach((r, k) => regsoFeatures.push({type: 'Feature',
      properties: {code: r.code, name: r.name, kommun: f.properties.code, schematic: true},
      geometry: {type: 'MultiPolygon', coordinates: round(cells[k], 5)}}));
  }
  const layers = {
    lan: {type: 'FeatureCollection', features: lanFeatures},
    kommun: {type: 'FeatureCollection', features: kommunFeatures},
    regso: {type: 'FeatureCollection', features: regsoFeatures},
    police: await police(),
  };
  const sizes = {};
  for (const [name, fc] of Object.entries(layers)) {
    for (const f of fc.features) f.geometry = rewind(f.geometry);
    const t = topology({[name]: fc}, 1e5);
    if (name === 'regso') t.schematic = 'Schematic RegSO cells (centroidal Voronoi inside the real kommun); not SCB boundaries';
    const text = JSON.stringify(t);
    fs.writeFileSync(path.join(outDir, `${name}.topo.json`), text);
    sizes[name] = {features: fc.features.length, bytes: text.length};
  }
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] || 'dist/geo';
  const t0 = Date.now();
  const sizes = await buildGeo(out);
  console.log(JSON.stringify({ms: Date.now() - t0, sizes}));
}
