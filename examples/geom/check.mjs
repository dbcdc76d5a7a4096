// Checks a regso.topo.json made from regso-0114-sweref99tm.geojson against
// hand-computed WGS84 coordinates (see run.sh for the derivation).
import fs from 'node:fs';
const t = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const fail = (m) => { console.error('check.mjs: ' + m); process.exit(1); };
const near = (a, b, tol, what) => { if (!(Math.abs(a - b) <= tol)) fail(`${what}: ${a} != ${b} (tol ${tol})`); };
if (t.type !== 'Topology') fail('not a Topology');
const geoms = t.objects.regso.geometries;
const codes = geoms.map((g) => g.properties.code).join(',');
if (codes !== '0114R001,0114R002,0114R003') fail('codes ' + codes);
for (const g of geoms) {
  const p = g.properties;
  if (p.kommun !== '0114' || p.schematic !== false || !p.name) fail('properties ' + JSON.stringify(p));
}
if (geoms[0].properties.name !== 'Bollstanäs') fail('name ' + geoms[0].properties.name);
if (geoms[1].type !== 'MultiPolygon' || geoms[2].arcs.length !== 2) fail('parts/holes');
const [kx, ky] = t.transform.scale, [x0, y0] = t.transform.translate;
// Arcs are shared (TopoJSON 2.2.2): a ring lists arc indexes, ~i reversed.
const arc = (i) => { let x = 0, y = 0; const p = t.arcs[i < 0 ? ~i : i].map(([dx, dy]) => [(x += dx) * kx + x0, (y += dy) * ky + y0]); return i < 0 ? p.reverse() : p; };
const rings = geoms.flatMap((g) => (g.type === 'Polygon' ? g.arcs : g.arcs.flat(1)));
const ring = (i) => rings[i].flatMap((a, k) => (k ? arc(a).slice(1) : arc(a)));
// Hand count: R001 and R002 share the edge E = 502000 (junctions at its
// ends); R003's bottom edge has no vertex at E = 502000, so it only meets
// them at junctions.  R001: 3 arcs (edge to R003's corner, shared edge,
// rest); R002: 2 more; its second part and R003's hole: 1 closed arc each;
// R003: 2 (bottom edge, rest).  9 arcs, the shared one used once reversed.
if (t.arcs.length !== 9) fail('arcs ' + t.arcs.length);
const shared = rings[0].filter((a) => rings[1].includes(~a));
if (shared.length !== 1) fail('shared arcs of R001/R002 ' + JSON.stringify([rings[0], rings[1]]));
const area2 = (r) => r.slice(1).reduce((s, p, k) => s + r[k][0] * p[1] - p[0] * r[k][1], 0);
// GRS80 meridian radius of curvature rho = a(1-e^2)/(1-e^2 sin^2 phi)^1.5
const a = 6378137, f = 1 / 298.257222101, e2 = f * (2 - f);
const rho = (deg) => a * (1 - e2) / Math.pow(1 - e2 * Math.sin(deg * Math.PI / 180) ** 2, 1.5);
// (500000, N0) lies on the central meridian 15 E at latitude 59.5 exactly.
const [lon, lat] = ring(0).reduce((b, p) => (p[0] + p[1] < b[0] + b[1] ? p : b));
near(lon, 15, Math.max(kx, 1e-9), 'lon of (500000, N0)');
near(lat, 59.5, ky, 'lat of (500000, N0)');
near(t.bbox[0], 15, 1e-9, 'west edge on the central meridian');
// Northernmost point: (500000, N0 + 4000), 4000 m of meridian scaled by k0 = 0.9996.
const dlat = 4000 / 0.9996 / rho(59.5 + 0.018) * 180 / Math.PI;
near(t.bbox[3], 59.5 + dlat, 1e-8, 'north edge');
// d3-geo winding: exterior clockwise (negative area), holes anticlockwise.
for (const i of [0, 1, 2, 3]) if (!(area2(ring(i)) < 0)) fail(`exterior ring ${i} not clockwise`);
if (!(area2(ring(4)) > 0)) fail('hole not anticlockwise');
console.log('check.mjs: ok');
