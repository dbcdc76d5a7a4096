// Routes live in the URL hash so every view can be linked and the back
// button works; the language is the first part, so a link carries it:
//   #/sv/karta?…         map + indicator lab (map | line chart | table)
//   #/sv/omrade/CODE     kommun / län / RegSO page
//   #/sv/typer?…         indicators by area type
//   #/sv/forandring?…    transitions between area types, anchored types
//   #/sv/behov?…         need indices of a kommun compared
//   #/sv/om              introduction: area types, SEI, inequality index
//   #/sv/tillganglighet  accessibility statement
// Links without a language (older links) open in the remembered one.
// Pure functions (unit-tested).
export const PAGES = ['karta', 'typer', 'forandring', 'behov', 'om', 'tillganglighet'];

export function parseHash(hash, fallbackLang = 'sv') {
  const [path, q] = String(hash || '').replace(/^#/, '').split('?');
  const parts = (path || '').split('/').filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  let lang = fallbackLang, explicit = false;
  if (parts[0] === 'sv' || parts[0] === 'en') { lang = parts.shift(); explicit = true; }
  if (!parts.length) parts.push('karta');
  return {lang, explicit, parts, params: new URLSearchParams(q || '')};
}
export function buildHash(lang, parts, params) {
  const qs = params ? new URLSearchParams(params).toString() : '';
  return `#/${[lang, ...parts].map(encodeURIComponent).join('/')}${qs ? '?' + qs : ''}`;
}
// A route the front end has a view for; anything else is a bad link and
// gets the localised error page.  Area codes: riket 00, län 2 digits,
// kommun 4 digits, RegSO kkkkRnnn, DeSO kkkkAnnnn-style codes.
export function known(parts) {
  if (parts[0] === 'omrade') return parts.length === 2 && /^[0-9]{2}([0-9]{2}([A-Z][0-9A-Z]{3,5})?)?$/.test(parts[1]);
  return parts.length === 1 && PAGES.includes(parts[0]);
}
// The main menu: [page, i18n key] (views/common.js and the page's static
// first paint, web/scripts/build.mjs).
export const NAV = [['karta', 'map'], ['typer', 'types'], ['forandring', 'changeView'], ['behov', 'needView'], ['om', 'about'], ['tillganglighet', 'a11y']];
// Whether a route shows what index.html paints before the app runs (the
// national RegSO map of the area types of `year`, in Swedish; omrade serve
// puts it in, docs/barometer.md "First paint"): then the app keeps that
// paint until its own map is ready; otherwise it removes it at once.
export function firstPaintRoute(r, year) {
  if (r.lang !== 'sv' || r.parts.length !== 1 || r.parts[0] !== 'karta') return false;
  const allowed = {ind: 'area_type', level: 'regso', year: String(year), view: 'map'};
  for (const [k, v] of r.params) if (allowed[k] !== v) return false;
  return true;
}
