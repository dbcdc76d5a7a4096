// #/typer: an indicator by area type, nationally or within a län.
import {$, h, announce} from '../dom.js';
import {t} from '../i18n.js';
import {api, rowsToObjects, meta} from '../api.js';
import {barChart, lineChart} from '../charts.js';
import {dataTable, dataset, downloads, fixedDims, popCell, cellValue, typeLabel, isSup} from '../tables.js';
import {chrome, select, go} from './common.js';
import {indLabel} from './mapview.js';

export async function viewTypes(params) {
  const m = await meta();
  chrome('typer', m);
  const main = $('#main');
  const inds = m.indicators.filter((i) => i.levels.includes('regso') && !['sei', 'low_econ_pct', 'pre_upper_pct', 'assist_unemp_pct'].includes(i.id));
  const st = {ind: params.get('ind') || inds[0]?.id || '', year: params.get('year'), within: params.get('within') || '00',
    sex: params.get('sex') || 'total', age: params.get('age') || '', born: params.get('born') || 'total'};
  const ind = inds.find((i) => i.id === st.ind);
  if (!st.age || (ind && !ind.ages.includes(st.age))) st.age = ind?.main_age || 'total';
  const years = ind ? ind.years : m.typeYears;
  if (!st.year || !years.includes(Number(st.year))) st.year = String(years[years.length - 1] ?? '');
  const update = (patch) => go(['typer'], {...st, ...patch});
  const lans = rowsToObjects(await api('areas', {level: 'lan'}));
  const h1 = h('h1', {text: t('typeView')});
  const controls = h('form', {class: 'controls', 'aria-label': t('typeView'), onsubmit: (e) => e.preventDefault()},
    inds.length ? select(t('variable'), 'ind', inds.map((i) => [i.id, indLabel(i)]), st.ind, (v) => update({ind: v})) : null,
    select(t('year'), 'year', years.map((y) => [y, y]), st.year, (v) => update({year: v})),
    select(t('chooseLan'), 'within', [['00', t('wholeCountry')], ...lans.map((l) => [l.code, l.name])], st.within, (v) => update({within: v})),
    ind ? select(t('sex'), 'sex', ['total', 'man', 'woman'].map((x) => [x, t(x)]), st.sex, (v) => update({sex: v})) : null,
    ind ? select(t('age'), 'age', (ind.ages.length ? ind.ages : ['total']).map((x) => [x, x === 'total' ? t('total') : x]), st.age, (v) => update({age: v})) : null,
    ind ? select(t('born'), 'born', ['total', 'sweden', 'abroad'].map((x) => [x, t(x)]), st.born, (v) => update({born: v})) : null);
  const parts = [h1, controls];
  const place = st.within === '00' ? t('wholeCountry') : (lans.find((l) => l.code === st.within)?.name || st.within);
  const typeYear = m.typeYears.includes(Number(st.year)) ? st.year : m.typeYears[m.typeYears.length - 1];
  if (typeYear) {
    const ts = rowsToObjects(await api('typesummary', {year: typeYear, within: st.within}));
    const title = `${t('nRegso')} ${typeYear}, ${place}`;
    parts.push(h('h2', {text: title}),
      downloads(dataset({title, fixed: [{id: 'year', label: t('year'), code: String(typeYear), text: String(typeYear)}],
        dims: [{id: 'area_type', label: t('areaType'), key: (r) => ({code: String(r.area_type), text: typeLabel(r.area_type)})}],
        measures: [{id: 'n_regso', label: t('nRegso'), unit: 'count', get: (r) => r.n_regso}, {id: 'population', label: t('population'), unit: 'count', get: (r) => r.population}],
        rows: ts, status: (r) => (r.population_status === 'partial' ? 'published' : r.population_status)}), 'typesummary', {year: typeYear, within: st.within}),
      dataTable(title, [{label: t('areaType'), get: (r) => t(`type${r.area_type}`)},
        {label: t('nRegso'), num: true, get: (r) => r.n_regso},
        {label: t('population'), num: true, get: popCell}], ts));
  }
  if (ind) {
    const params2 = {indicator: st.ind, year: st.year, sex: st.sex, age: st.age, born: st.born, within: st.within};
    const rows = rowsToObjects(await api('bytype', params2));
    const title = `${indLabel(ind)} ${st.year}, ${place}`;
    parts.push(h('h2', {text: title}), barChart(rows, ind.unit, indLabel(ind)),
      downloads(dataset({title, fixed: fixedDims(st),
        dims: [{id: 'area_type', label: t('areaType'), key: (r) => ({code: String(r.area_type), text: typeLabel(r.area_type)})}],
        measures: [{id: 'value', label: t('value'), unit: ind.unit, get: (r) => r.value}, {id: 'numerator', label: t('numerator'), unit: 'count', get: (r) => r.numerator},
          {id: 'denominator', label: t('denominator'), unit: 'count', get: (r) => r.denominator}, {id: 'n_regso', label: t('nRegso'), unit: 'count', get: (r) => r.n_regso}],
        rows, status: (r) => r.status || 'published'}), 'bytype', params2),
      dataTable(title, [{label: t('areaType'), get: (r) => typeLabel(r.area_type)},
        {label: t('nRegso'), num: true, get: (r) => r.n_regso}, {label: t('value'), num: true, get: (r) => cellValue(r, ind.unit)},
        {label: t('typeYear'), get: (r) => r.type_year}], rows));
    parts.push(...await typeTrend(ind, st, place));
  } else {
    parts.push(h('p', {text: t('noValues')}));
  }
  main.replaceChildren(...parts);
  announce(h1.textContent);
}

// Issue 14 item 4: the indicator per area type over all its years, with the
// year of the area types used in each (types come a year after the
// statistics).  Suppressed cells are gaps in the lines and marked in the
// table, which carries the same numbers as the chart.
const TYPE_LINES = {1: ['#b2182b', ''], 2: ['#c2410c', '6 3'], 3: ['#595959', '2 2'], 4: ['#2166ac', '8 3 2 3'], 5: ['#053061', '']};
async function typeTrend(ind, st, place) {
  const p = {indicator: st.ind, sex: st.sex, age: st.age, born: st.born, within: st.within};
  const rows = rowsToObjects(await api('typetrend', p));
  if (!rows.length) return [];
  const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  const at = (y, k) => rows.find((r) => r.year === y && String(r.area_type) === k);
  const series = ['1', '2', '3', '4', '5'].map((k) => ({name: typeLabel(k), colour: TYPE_LINES[k][0], dash: TYPE_LINES[k][1],
    pts: years.map((y) => { const r = at(y, k); return {year: y, value: r && !isSup(r) ? r.value : null}; })}));
  const title = `${indLabel(ind)} ${t('byTypeOverTime')}, ${place}`;
  const kinds = ['1', '2', '3', '4', '5', '1-2'];
  const table = years.map((y) => ({year: y, type_year: rows.find((r) => r.year === y)?.type_year, cells: kinds.map((k) => at(y, k))}));
  return [h('h2', {text: title}), lineChart(series, ind.unit, title),
    downloads(dataset({title, fixed: fixedDims({...st, year: ''}),
      dims: [{id: 'year', label: t('year'), key: (r) => ({code: String(r.year), text: String(r.year)})},
        {id: 'area_type', label: t('areaType'), key: (r) => ({code: String(r.area_type), text: typeLabel(r.area_type)})}],
      measures: [{id: 'value', label: t('value'), unit: ind.unit, get: (r) => r.value}, {id: 'type_year', label: t('typeYear'), unit: 'type', get: (r) => r.type_year}],
      rows, status: (r) => r.status || 'published'}), 'typetrend', p),
    dataTable(title, [{label: t('year'), get: (r) => String(r.year)}, {label: t('typeYear'), get: (r) => (r.type_year == null ? '' : String(r.type_year))},
      ...kinds.map((k, i) => ({label: typeLabel(k), num: true, get: (r) => (r.cells[i] ? cellValue(r.cells[i], ind.unit) : '')}))], table)];
}
