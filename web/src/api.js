// Client of the read-only JSON API of `omrade serve` (docs/barometer.md).
const cache = new Map();
export async function api(path, params = {}) {
  const url = apiUrl(path, params);
  if (cache.has(url)) return cache.get(url);
  const p = fetch(url).then(async (r) => {
    const body = await r.json().catch(() => ({}));
    if (!r.ok) { const e = new Error(body?.error?.message || r.statusText); e.status = r.status; throw e; }
    return body;
  });
  cache.set(url, p);
  p.catch(() => cache.delete(url));
  return p;
}
export function apiUrl(path, params = {}) {
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== '')).toString();
  return `/api/${path}${qs ? '?' + qs : ''}`;
}
export const rowsToObjects = (tbl) => tbl.rows.map((r) => Object.fromEntries(tbl.columns.map((c, i) => [c, r[i]])));

const GEO = {};
export function layer(name) {
  if (!GEO[name]) {
    GEO[name] = fetch(`/api/geo/${name}`).then((r) => { if (!r.ok) throw new Error(name); return r.json(); });
    GEO[name].catch(() => { delete GEO[name]; });
  }
  return GEO[name];
}

let META = null;
export async function meta() {
  if (!META) {
    META = api('meta').then((m) => ({
      raw: m,
      indicators: rowsToObjects(m.indicators).map((i) => ({...i,
        years: String(i.years || '').split(',').filter(Boolean).map(Number),
        levels: String(i.levels || '').split(',').filter(Boolean),
        ages: String(i.ages || '').split(',').filter(Boolean),
        // the education levels the indicator has (databases before the
        // education breakdown have no edus column: total only)
        edus: String(i.edus || 'total').split(',').filter(Boolean)})),
      typeYears: rowsToObjects(m.type_years).map((r) => r.year),
      layers: rowsToObjects(m.layers),
      meta: Object.fromEntries(m.meta.rows),
    }));
    META.catch(() => { META = null; });
  }
  return META;
}
export const metaNow = () => META;

// All län, kommun and RegSO names for the search (three small requests,
// once).
let AREAS = null;
export function allAreas() {
  if (!AREAS) {
    AREAS = Promise.all(['lan', 'kommun', 'regso'].map((level) => api('areas', {level})
      .then((tb) => rowsToObjects(tb).map((a) => ({code: a.code, name: a.name, label: a.label, level})))))
      .then((x) => x.flat());
    AREAS.catch(() => { AREAS = null; });
  }
  return AREAS;
}
