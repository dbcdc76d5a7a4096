// Tables (each map and chart has one with the same data) and their
// download links.
import {h} from './dom.js';
import {t, getLang, unitText} from './i18n.js';
import {fmt} from './format.js';
import {apiUrl} from './api.js';
import {toCsv, toJsonStat, fileName, SYMBOL} from './downloads.js';
import {toXlsx} from './xlsx.js';
import {toPx} from './px.js';

// Cell status from the API: published, primary (too few persons),
// secondary (protected to protect other values), withheld (a small län's
// cross-classification, not published by the table design), or suppressed
// (a database that does not tell primary and secondary apart).
export const isSup = (r) => r != null && r.status != null && r.status !== 'published';
export const supLabel = (status) => t(['primary', 'secondary', 'withheld'].includes(status) ? status : 'suppressed');
export const SUP = (status) => ({sup: status}); // an object: strings have a legacy .sup() method
export const num = (v, unit) => fmt(v, unit, getLang());
// Population per area type: riket and län have a protected aggregate of
// their own (published as it is); a kommun's is the sum of its published
// RegSO ('partial' when some were suppressed: a lower bound, and says so).
export const popCell = (r) => (r.population_status === 'primary' || r.population_status === 'secondary' ? SUP(r.population_status)
  : r.population == null ? ''
    : r.population_status === 'partial' ? `${t('atLeast')} ${num(r.population, 'count')} (${r.regso_suppressed} ${t('regsoSuppressed')})`
      : num(r.population, 'count'));
export const cellValue = (r, unit) => (isSup(r) ? SUP(r.status) : num(r.value, unit));
export const typeLabel = (a) => t(String(a) === '1-2' ? 'type12' : `type${a}`);
export const flagText = (f) => String(f || '').split(';').filter(Boolean).map((x) => t(`flag_${x}`)).join(' ');

// Long tables show the first opts.limit rows and a button for the rest, so
// the national RegSO table does not slow the first render.
export function dataTable(caption, cols, rows, opts = {}) {
  const all = rows;
  if (opts.limit && rows.length > opts.limit) rows = rows.slice(0, opts.limit);
  const table = h('table', {},
    h('caption', {text: caption}),
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', {scope: 'col', class: c.num ? 'num' : null, text: c.label})))),
    h('tbody', {}, rows.map((r) => h('tr', {}, cols.map((c, i) => {
      const v = c.get(r);
      const cell = i === 0 ? h('th', {scope: 'row'}) : h('td', {class: c.num ? 'num' : null});
      if (v && v.nodeType) cell.append(v);
      else if (v && typeof v === 'object' && 'sup' in v) cell.append(h('span', {class: 'suppressed', text: supLabel(v.sup)}));
      else cell.textContent = v ?? '';
      return cell;
    })))));
  const wrap = h('div', {class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': caption}, table);
  if (opts.id) wrap.id = opts.id;
  if (rows.length === all.length) return wrap;
  const more = h('p', {}, `${t('shown')} ${rows.length} ${t('of')} ${all.length}. `,
    h('button', {type: 'button', class: 'secondary', id: opts.id ? `${opts.id}-all` : null, onclick: () => {
      const full = dataTable(caption, cols, all, {...opts, limit: 0});
      box.replaceWith(full);
      full.focus();
    }, text: t('showAll')}));
  const box = h('div', {}, wrap, more);
  return box;
}

// A dataset (downloads.js) from rows: spec = {title, fixed, dims: [{id,
// label, withCode, key: (r) => ({code, text})}], measures: [{id, label,
// unit, get}], rows}.
export function dataset(spec) {
  const m = metaCache;
  const synthetic = m && m.meta.data_source === 'synthetic';
  return {
    title: spec.title, fixed: spec.fixed || [],
    source: `${t('sourceText')}${synthetic ? `. ${t('synthetic')}` : ''}`,
    notes: spec.notes || [],
    dims: spec.dims.map(({id, label, withCode}) => ({id, label, withCode})),
    measures: spec.measures.map(({id, label, unit}) => ({id, label, unit, unitText: unitText(unit)})),
    rows: spec.rows.map((r) => ({keys: spec.dims.map((d) => d.key(r)), status: spec.status ? spec.status(r) : 'published',
      values: spec.measures.map((mm) => { const v = mm.get(r); return v == null ? null : Number(v); })})),
    legend: [[SYMBOL.primary, t('primary')], [SYMBOL.secondary, t('secondary')], [SYMBOL.withheld, t('withheld')]],
  };
}
let metaCache = null;
export function setMetaForDownloads(m) { metaCache = m; }

// Fixed one-category dimensions for year and the sex/age/born breakdown,
// and the education level for an indicator that has them (st.edu set).
export function fixedDims(st, withBreakdown = true) {
  const out = [];
  if (st.year) out.push({id: 'year', label: t('year'), code: String(st.year), text: String(st.year)});
  if (withBreakdown) {
    if (st.sex) out.push({id: 'sex', label: t('sex'), code: st.sex, text: t(st.sex)});
    if (st.age) out.push({id: 'age', label: t('age'), code: st.age, text: st.age === 'total' ? t('total') : st.age});
    if (st.born) out.push({id: 'born', label: t('born'), code: st.born, text: t(st.born)});
    if (st.edu) out.push({id: 'edu', label: t('edu'), code: st.edu, text: t(`edu_${st.edu}`)});
  }
  return out;
}

function blobLink(text, name, make, type) {
  return h('a', {href: '#', download: name, 'data-file': name, onclick: (e) => {
    const a = e.currentTarget;
    if (a.dataset.url) URL.revokeObjectURL(a.dataset.url);
    a.dataset.url = URL.createObjectURL(new Blob([make()], {type}));
    a.href = a.dataset.url;
  }, text});
}
// The download links of one table: CSV, Swedish-Excel CSV, XLSX (with a
// metadata sheet), PX and JSON-stat made here from the same rows; the JSON
// API from the server.
export function downloads(ds, serverPath, serverParams) {
  const labels = {unit: t('unitLabel'), source: t('source'), selection: t('breakdown'), code: t('code'), contents: t('value'),
    title: t('titleLabel'), rows: t('rowsLabel'), note: t('noteLabel'), symbol: t('mark'), meaning: t('meaning'),
    sheetData: t('sheetData'), sheetMeta: t('sheetMeta'), noData: t('noData'), subjectArea: t('subjectArea'), updated: t('updated')};
  const lang = getLang();
  return h('p', {class: 'downloads'}, h('span', {text: `${t('download')}: `}),
    blobLink(t('csvUtf8'), fileName(ds, '.csv'), () => toCsv(ds, {labels}), 'text/csv;charset=utf-8'),
    blobLink(t('csvExcel'), fileName(ds, '_excel-sv.csv'), () => toCsv(ds, {excel: true, labels}), 'text/csv;charset=utf-8'),
    blobLink(t('xlsx'), fileName(ds, '.xlsx'), () => toXlsx(ds, {labels, lang}), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    // PX and JSON-stat are cubes of numbers: not for a table of texts only
    ds.measures.length ? blobLink(t('pxFile'), fileName(ds, '.px'), () => toPx(ds, {labels, lang}), 'text/plain;charset=utf-8') : null,
    ds.measures.length ? blobLink(t('jsonstat'), fileName(ds, '.jsonstat.json'), () => JSON.stringify(toJsonStat(ds, {lang, labels})), 'application/json') : null,
    serverPath ? h('a', {href: apiUrl(serverPath, serverParams), text: t('apiLink')}) : null);
}
