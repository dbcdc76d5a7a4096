// Table downloads made in the browser from the table on screen, as SCB's
// statistical database offers them: CSV in UTF-8 with a byte-order mark
// (so Excel detects the encoding), a "Swedish Excel" CSV (';' between
// fields and decimal comma, which Excel with Swedish regional settings
// reads as numbers), and JSON-stat 2.0 (https://json-stat.org/full/).
// Every file carries title, unit, source, year, breakdown and the legend of
// the suppression symbols, and a file name that says what it is.
// Pure functions (unit-tested; JSON-stat read back with jsonstat-toolkit).
//
// A dataset:
//   {title, source, updated, notes: [text],
//    fixed: [{id, label, code, text}]              one-category dimensions
//                                                  (year, sex, age, born …)
//    dims:  [{id, label}]                          row dimensions
//    measures: [{id, label, unit, unitText}]       numeric columns
//    rows: [{keys: [{code, text}], status, values: [number|null]}]
//    legend: [[symbol, text]]}
// status: 'published' | 'primary' | 'secondary' | 'withheld' | 'suppressed'.
import {dataNum, slug} from './format.js';

// Symbols in suppressed cells: '..' too few persons (SCB's "uppgift ej
// tillgänglig eller för osäker"), '...' protected to protect other values,
// '-' not published by the table design (a small län's cross-classification).
export const SYMBOL = {primary: '..', suppressed: '..', secondary: '...', withheld: '-'};

function csvField(v, sep) {
  const x = String(v ?? '');
  return x.includes(sep) || x.includes('"') || x.includes('\n') || x.includes('\r') ? `"${x.replace(/"/g, '""')}"` : x;
}
export function toCsv(ds, {excel = false, labels = {}} = {}) {
  const sep = excel ? ';' : ',';
  const L = {unit: 'Unit', source: 'Source', selection: 'Selection', code: 'Code', ...labels};
  const line = (cells) => cells.map((c) => csvField(c, sep)).join(sep);
  const out = [line([ds.title])];
  const units = [...new Set(ds.measures.map((m) => m.unitText).filter(Boolean))];
  if (units.length) out.push(line([`${L.unit}: ${ds.measures.map((m) => `${m.label}: ${m.unitText || ''}`).join('; ')}`]));
  for (const f of ds.fixed) out.push(line([`${f.label}: ${f.text}`]));
  out.push('');
  const head = [];
  for (const d of ds.dims) { if (d.withCode) head.push(`${L.code} (${d.label})`); head.push(d.label); }
  out.push(line([...head, ...ds.measures.map((m) => (m.unitText ? `${m.label} (${m.unitText})` : m.label))]));
  for (const r of ds.rows) {
    const keys = [];
    r.keys.forEach((k, i) => { if (ds.dims[i].withCode) keys.push(k.code); keys.push(k.text); });
    const sym = SYMBOL[r.status];
    out.push(line([...keys, ...r.values.map((v, i) => (sym ? sym : dataNum(v, ds.measures[i].unit, excel)))]));
  }
  out.push('');
  out.push(line([`${L.source}: ${ds.source}`]));
  for (const n of ds.notes || []) out.push(line([n]));
  for (const [sym, text] of ds.legend || []) out.push(line([`${sym} ${text}`]));
  return '\uFEFF' + out.join('\r\n') + '\r\n';
}

// JSON-stat 2.0 dataset: dimensions in the order fixed…, rows…, contents;
// value in row-major order over them (the last dimension varies fastest);
// status keyed by value index for suppressed cells.
export function toJsonStat(ds, {lang = 'sv', labels = {}} = {}) {
  const L = {contents: 'Contents', ...labels};
  const cats = ds.dims.map(() => new Map());
  for (const r of ds.rows) r.keys.forEach((k, i) => { if (!cats[i].has(k.code)) cats[i].set(k.code, k.text); });
  const dimension = {};
  const id = [], size = [];
  for (const f of ds.fixed) {
    id.push(f.id); size.push(1);
    dimension[f.id] = {label: f.label, category: {index: [f.code], label: {[f.code]: f.text}}};
  }
  ds.dims.forEach((d, i) => {
    id.push(d.id); size.push(cats[i].size);
    dimension[d.id] = {label: d.label, category: {index: [...cats[i].keys()], label: Object.fromEntries(cats[i])}};
  });
  id.push('contents'); size.push(ds.measures.length);
  dimension.contents = {label: L.contents, category: {
    index: ds.measures.map((m) => m.id),
    label: Object.fromEntries(ds.measures.map((m) => [m.id, m.label])),
    unit: Object.fromEntries(ds.measures.map((m) => [m.id, {label: m.unitText || m.unit || '', decimals: m.unit === 'count' || m.unit === 'SEK' ? 0 : 2}])),
  }};
  const n = size.reduce((a, b) => a * b, 1);
  const value = new Array(n).fill(null);
  const status = {};
  const rowIndex = ds.dims.map((d, i) => new Map([...cats[i].keys()].map((c, j) => [c, j])));
  for (const r of ds.rows) {
    let base = 0;
    r.keys.forEach((k, i) => { base = base * cats[i].size + rowIndex[i].get(k.code); });
    base *= ds.measures.length;
    r.values.forEach((v, j) => {
      const sym = SYMBOL[r.status];
      if (sym) status[base + j] = sym;
      else value[base + j] = v == null ? null : Number(v);
    });
  }
  const out = {version: '2.0', class: 'dataset', label: ds.title, source: ds.source, id, size, dimension, value};
  if (ds.updated) out.updated = ds.updated;
  if (Object.keys(status).length) out.status = status;
  const notes = [...(ds.notes || []), ...(ds.legend || []).map(([sym, text]) => `${sym} ${text}`)];
  if (notes.length) out.note = notes;
  out.extension = {lang};
  return out;
}

// "lag-ekonomisk-standard-2023_kommun_kvinnor" + suffix: title and every
// fixed selection that is not a total, folded to ASCII.
export function fileName(ds, suffix) {
  const parts = [ds.title, ...ds.fixed.filter((f) => f.code !== 'total' && f.id !== 'year').map((f) => f.text)];
  return `${parts.map(slug).filter(Boolean).join('_').slice(0, 120) || 'data'}${suffix}`;
}
