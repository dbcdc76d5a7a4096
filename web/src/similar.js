// "Similar kommuner" for the kommun page's comparison (pure functions, unit
// tested in tests/unit/similar.test.mjs).
//
// SKR's kommungruppsindelning is not in this repository's data (it is not
// openly published as a file omrade may ship), so similarity is defined
// here from the barometer's own data, by nearest neighbours:
//   features of each kommun in the latest area-type year:
//     x1 = log10 of its population (the sum of its RegSO's population),
//     x2 = share of that population living in RegSO of area type 1 or 2,
//     x3 = share living in area type 4 or 5;
//   each feature standardised over all kommuner with a population
//   (z = (x - mean) / standard deviation, population SD, divide by n);
//   distance = Euclidean distance between the standardised features;
//   the similar kommuner = the K = 10 nearest other kommuner (ties by
//   code), the group = those 10 (the kommun itself not included).
// Area types are SCB's (RegSO by SEI); the population is the denominator
// of the population indicator per RegSO (suppressed RegSO left out).

export const K_SIMILAR = 10;

// types: [{code, kommun, area_type}] (RegSO), pop: Map(RegSO code ->
// population).  Returns Map(kommun -> {pop, s12, s45, missing}).
export function kommunFeatures(types, pop) {
  const out = new Map();
  for (const r of types) {
    if (!out.has(r.kommun)) out.set(r.kommun, {pop: 0, p12: 0, p45: 0, missing: 0});
    const f = out.get(r.kommun);
    const p = pop.get(r.code);
    if (p == null || !r.area_type) { f.missing++; continue; }
    f.pop += p;
    if (r.area_type <= 2) f.p12 += p;
    if (r.area_type >= 4) f.p45 += p;
  }
  const res = new Map();
  for (const [k, f] of out) if (f.pop > 0) res.set(k, {pop: f.pop, s12: f.p12 / f.pop, s45: f.p45 / f.pop, missing: f.missing});
  return res;
}

// Standardised feature vectors: Map(kommun -> [z1, z2, z3]).
export function standardise(features) {
  const rows = [...features.entries()].map(([k, f]) => [k, [Math.log10(f.pop), f.s12, f.s45]]);
  const n = rows.length;
  const out = new Map();
  if (!n) return out;
  const mean = [0, 1, 2].map((j) => rows.reduce((s, [, x]) => s + x[j], 0) / n);
  const sd = [0, 1, 2].map((j) => Math.sqrt(rows.reduce((s, [, x]) => s + (x[j] - mean[j]) ** 2, 0) / n));
  for (const [k, x] of rows) out.set(k, x.map((v, j) => (sd[j] > 0 ? (v - mean[j]) / sd[j] : 0)));
  return out;
}

// The k nearest other kommuner of `code`: [{code, d}], nearest first.
export function nearest(z, code, k = K_SIMILAR) {
  const me = z.get(code);
  if (!me) return [];
  return [...z.entries()].filter(([c]) => c !== code)
    .map(([c, x]) => ({code: c, d: Math.hypot(...x.map((v, j) => v - me[j]))}))
    .sort((a, b) => a.d - b.d || (a.code < b.code ? -1 : 1))
    .slice(0, k);
}

// Median (mean of the two middle values for an even count), min and max
// of the finite values; null when there are none.
export function spread(values) {
  const v = values.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return {n: v.length, median: v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2, min: v[0], max: v[v.length - 1]};
}
