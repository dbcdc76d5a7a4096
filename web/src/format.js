// Number formatting and text folding: pure functions (unit-tested in
// web/tests/unit), no DOM.

// Decimals by unit and magnitude: counts, kronor and area types whole, shares with one
// decimal from 10 up and two below, as SCB's tables do for percentages of
// small areas.
export function decimals(v, unit) {
  if (unit === 'SEK' || unit === 'count' || unit === 'type') return 0;
  const a = Math.abs(v);
  return a >= 100 ? 0 : a >= 10 ? 1 : 2;
}
const NF = new Map();
function nf(lang, d) {
  const key = `${lang}:${d}`;
  if (!NF.has(key)) NF.set(key, new Intl.NumberFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', {maximumFractionDigits: d, minimumFractionDigits: d}));
  return NF.get(key);
}
// Display text of a number (sv: space as thousands separator, decimal comma).
export function fmt(v, unit, lang = 'sv') {
  if (v == null || Number.isNaN(v)) return '';
  return nf(lang, decimals(v, unit)).format(v);
}
// Data text of a number for files: no thousands separator, the same
// decimals as on screen, '.' or ',' as decimal mark (Swedish Excel reads
// '12,5' as a number only with a decimal comma).
export function dataNum(v, unit, decimalComma = false) {
  if (v == null || Number.isNaN(v)) return '';
  let txt = Number(v).toFixed(decimals(v, unit));
  if (txt === '-0' || /^-0[.,]0+$/.test(txt)) txt = txt.slice(1);
  return decimalComma ? txt.replace('.', ',') : txt;
}
// Case- and diacritic-insensitive key: NFD splits å into a + ring, the
// combining marks (U+0300-U+036F) are dropped; hyphens and repeated spaces
// become one space.
export function fold(str) {
  return String(str ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[-‐–—_]/g, ' ').replace(/\s+/g, ' ').trim();
}
// A file-name part: folded, letters and digits only, joined by '-'.
export function slug(str) {
  return fold(str).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}
