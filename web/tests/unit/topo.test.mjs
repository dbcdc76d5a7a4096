// topo.js against d3-geo and topojson-client, the code it replaces on the
// map: geoPath(projection.precision(0)).digits(2) of feature()/mesh(), and
// projection.fitSize, on layers made by `omrade geom` (web/tests/data/topo:
// the RegSO of Uppsala län and Upplands Väsby, the kommuner of three län,
// quantized and delta-encoded as served).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {geoPath, geoTransverseMercator} from 'd3-geo';
import {feature, mesh, meshArcs} from 'topojson-client';
import {projectArcs, pathWriter, fitSize, bounds, hitIndex} from '../../src/topo.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const load = (name) => JSON.parse(fs.readFileSync(path.join(root, 'web/tests/data/topo', `${name}.topo.json`), 'utf8'));
const tm = () => geoTransverseMercator().rotate([-15, 0]).precision(0);

for (const [name, only] of [['regso-03-0114', null], ['regso-03-0114', '0114'], ['kommun-01-03-12', null], ['kommun-01-03-12', '12']]) {
  test(`${name}${only ? ` inside ${only}` : ''}: fit and paths as d3-geo writes them`, () => {
    const topo = load(name);
    const obj = topo.objects[Object.keys(topo.objects)[0]];
    const geoms = obj.geometries.filter((g) => !only || g.properties.code.startsWith(only));
    assert.ok(geoms.length > (only ? 5 : 20), `${geoms.length} areas`);
    const W = 600, H = only ? 600 : 1000;
    const fc = {type: 'FeatureCollection', features: feature(topo, {type: 'GeometryCollection', geometries: geoms}).features};
    const ref = tm().fitSize([W, H], fc);
    const mine = tm();
    const fitted = fitSize(mine, topo, geoms, W, H);
    // same scale and translate up to rounding of the last bits
    assert.ok(Math.abs(mine.scale() / ref.scale() - 1) < 1e-12, `scale ${mine.scale()} vs ${ref.scale()}`);
    for (const i of [0, 1]) assert.ok(Math.abs(mine.translate()[i] - ref.translate()[i]) < 1e-9);
    const d3path = geoPath(ref).digits(2);
    const write = pathWriter(projectArcs(topo, ref), 2);
    for (const [j, g] of geoms.entries()) assert.equal(write(g), d3path(fc.features[j]), g.properties.code);
    // the fitted arcs (scale-150 points mapped affinely) as projected again
    const again = projectArcs(topo, ref);
    for (let i = 0; i < topo.arcs.length; i++) {
      const a = fitted(i), b = again(i);
      for (let j = 0; j < a.length; j++) assert.ok(Math.abs(a[j] - b[j]) < 1e-9, `arc ${i}`);
    }
    // the fitted map fills W or H and stays inside both
    const [[x0, y0], [x1, y1]] = bounds(projectArcs(topo, ref), geoms);
    assert.ok(x0 > -1e-6 && y0 > -1e-6 && x1 < W + 1e-6 && y1 < H + 1e-6);
    assert.ok(Math.abs(x1 - x0 - W) < 1e-6 || Math.abs(y1 - y0 - H) < 1e-6);
    // interior borders as lines (topojson mesh): same as geoPath of mesh()
    const filt = (a, b) => a !== b;
    assert.equal(write(meshArcs(topo, obj, filt)), d3path(mesh(topo, obj, filt)));
  });
}

test('pathWriter: a hand-made quantized topology, arcs reversed and shared', () => {
  // two unit squares side by side sharing the arc x = 1 (arc 0, upwards);
  // delta-encoded with scale 1 and translate 10, 20
  const topo = {type: 'Topology', transform: {scale: [1, 1], translate: [10, 20]},
    arcs: [[[1, 0], [0, 1]], [[1, 1], [-1, 0], [0, -1], [1, 0]], [[1, 0], [1, 0], [0, 1], [-1, 0]]],
    objects: {}};
  const id = (p) => p;
  const write = pathWriter(projectArcs(topo, id), 2);
  // left square: up the shared arc, then around the left side
  assert.equal(write({type: 'Polygon', arcs: [[0, 1]]}), 'M11,20L11,21L10,21L10,20Z');
  // right square: its own arc, then the shared arc backwards
  assert.equal(write({type: 'Polygon', arcs: [[2, ~0]]}), 'M11,20L12,20L12,21L11,21Z');
  assert.equal(write({type: 'LineString', arcs: [0]}), 'M11,20L11,21');
  assert.deepEqual(bounds(projectArcs(topo, id), [{type: 'Polygon', arcs: [[2, ~0]]}]), [[11, 20], [12, 21]]);
});

test('hitIndex: the area under a point, as the rings of topojson feature() projected by d3 say', () => {
  const topo = load('regso-03-0114');
  const geoms = topo.objects.regso.geometries;
  const W = 600, H = 1000;
  const proj = tm();
  const hit = hitIndex(fitSize(proj, topo, geoms, W, H), geoms, W, H);
  // reference: every area's rings from feature(), each point projected by
  // d3, even-odd over all rings; brute force over all areas, last wins
  const polys = feature(topo, topo.objects.regso).features.map((f) =>
    (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).flat().map((ring) => ring.map((p) => proj(p))));
  const inRings = (rings, x, y) => {
    let c = false;
    for (const r of rings) for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      if ((r[i][1] > y) !== (r[j][1] > y) && x < ((r[j][0] - r[i][0]) * (y - r[i][1])) / (r[j][1] - r[i][1]) + r[i][0]) c = !c;
    }
    return c;
  };
  let s = 12345, hits = 0;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let n = 0; n < 4000; n++) {
    const x = rnd() * W, y = rnd() * H;
    let want = -1;
    polys.forEach((rings, i) => { if (inRings(rings, x, y)) want = i; });
    assert.equal(hit(x, y), want, `${x},${y}`);
    if (want >= 0) hits++;
  }
  assert.ok(hits > 1000, `${hits} of 4000 points on an area`);
  assert.equal(hit(-1, 5), -1);
  assert.equal(hit(5, H + 1), -1);
});
test('hitIndex: two squares sharing an arc, a hole', () => {
  const topo = {type: 'Topology', arcs: [[[1, 0], [1, 1]], [[1, 1], [0, 1], [0, 0], [1, 0]], [[1, 0], [2, 0], [2, 1], [1, 1]],
    [[0.25, 0.25], [0.25, 0.75], [0.75, 0.75], [0.75, 0.25], [0.25, 0.25]]], objects: {}};
  const geoms = [{type: 'Polygon', arcs: [[0, 1], [3]]}, {type: 'Polygon', arcs: [[2, ~0]]}];
  const hit = hitIndex(projectArcs(topo, (p) => p), geoms, 2, 1, 4);
  assert.equal(hit(0.1, 0.5), 0);
  assert.equal(hit(0.5, 0.5), -1); // in the hole
  assert.equal(hit(1.5, 0.5), 1);
  assert.equal(hit(1.9, 0.1), 1);
  assert.equal(hit(2.5, 0.5), -1);
});
