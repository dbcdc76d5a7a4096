// #/omrade/CODE: the page of a kommun, län or RegSO — "how is my kommun
// doing": its RegSO with their types in a list and a zoomed map, population
// per area type over the years, the inequality index over time.
import {$, h, s, announce} from '../dom.js';
import {t, getLang, areaName, unitText} from '../i18n.js';
import {api, rowsToObjects, meta} from '../api.js';
import {DIV} from '../scales.js';
import {patternDefs, ineqChart, popChart} from '../charts.js';
import {drawMap} from '../map.js';
import {dataTable, dataset, downloads, popCell, cellValue, flagText, typeLabel, num, isSup} from '../tables.js';
import {chrome, link} from './common.js';
import {notFound} from './notfound.js';
import {kommunFeatures, standardise, nearest, spread} from '../similar.js';

export async function viewArea(code) {
  const m = await meta();
  chrome('', m);
  const main = $('#main');
  let a;
  try { a = await api('area', {code}); } catch (e) {
    if (e.status === 404 || e.status === 400) return notFound(`${t('areaNotFound')} ${code}.`, m);
    throw e;
  }
  const name = areaName(a.code, a.name);
  const h1 = h('h1', {text: `${areaName(a.code, a.label || a.name)}${a.level === 'lan' || a.level === 'kommun' ? '' : ` (${t(a.level)})`}`});
  const parts = [h1];
  if (a.level !== 'lan' && a.lan_name) parts.push(h('p', {}, `${t('lan')}: `, h('a', {href: link(['omrade', a.lan]), text: a.lan_name}),
    a.level === 'regso' ? ' · ' : '', a.level === 'regso' ? h('a', {href: link(['omrade', a.kommun]), text: a.kommun_name}) : ''));
  const year = m.typeYears[m.typeYears.length - 1];
  let mapJob = null;
  if ((a.level === 'kommun' || a.level === 'lan') && year) {
    // RegSO of the area with their types: list and a map zoomed to it
    const regso = rowsToObjects(await api('types', {year, within: code}));
    const byCode = new Map(regso.map((r) => [r.code, r]));
    const defs = s('svg', {width: 0, height: 0, 'aria-hidden': 'true', focusable: 'false', style: 'position:absolute'}, patternDefs('p', DIV));
    const mapbox = h('div', {class: 'mapbox', id: 'areamap'});
    const title = `${t('regsoIn')} ${name} ${year}`;
    const legend = h('ul', {class: 'legend'}, [1, 2, 3, 4, 5].map((k) => h('li', {}, swatchFor(k - 1), t(`type${k}`))));
    const ds = dataset({title, fixed: [{id: 'year', label: t('year'), code: String(year), text: String(year)}],
      dims: [{id: 'region', label: t('regso'), withCode: true, key: (r) => ({code: r.code, text: r.name})}],
      measures: [{id: 'area_type', label: t('areaType'), unit: 'type', get: (r) => r.area_type}, {id: 'sei', label: t('sei'), unit: 'index', get: (r) => r.sei}],
      rows: regso});
    parts.push(h('h2', {text: title}), h('div', {class: 'layout'},
      h('div', {class: 'mapcol'}, defs, mapbox),
      h('aside', {class: 'panel', 'aria-label': t('legend')}, h('h3', {text: t('legend')}), legend,
        h('p', {}, h('a', {href: link(['karta'], {ind: 'area_type', level: 'regso', year, sel: code}), text: `${t('mapOf')}: ${t('areaType')} ${year}`}))),
      h('section', {class: 'tablecol', 'aria-label': title}, downloads(ds, 'types', {year, within: code}),
        dataTable(title, [
          {label: t('name'), get: (r) => h('a', {href: link(['omrade', r.code]), text: r.name})},
          {label: t('code'), get: (r) => r.code},
          {label: t('areaType'), get: (r) => (r.area_type ? t(`type${r.area_type}`) : t('noData'))},
          {label: t('sei'), num: true, get: (r) => num(r.sei)}], regso, {id: 'regsotable', limit: 300}))));
    mapJob = () => drawMap(mapbox, {level: 'regso', only: code, id: 'areamap-svg', byCode,
      classFor: (r) => (r && r.area_type ? r.area_type - 1 : 'na'),
      valueText: (r) => (r && r.area_type ? t(`type${r.area_type}`) : t('noData')),
      onPick: (c) => { location.hash = link(['omrade', c]); },
      label: `${t('regsoMap')} ${name}, ${t('areaType')} ${year}.`});

    // population and share of population per area type over the years
    const sums = await Promise.all(m.typeYears.map((y) => api('typesummary', {year: y, within: code}).then(rowsToObjects)));
    const popRows = [];
    const chartYears = [];
    m.typeYears.forEach((y, i) => {
      const ts = sums[i];
      const pub = ts.filter((r) => r.population != null && (r.population_status === 'published' || r.population_status === 'partial'));
      const tot = pub.reduce((x, r) => x + r.population, 0);
      const shares = [1, 2, 3, 4, 5].map((k) => { const r = pub.find((x) => x.area_type === k); return r && tot ? r.population / tot : 0; });
      chartYears.push({year: y, shares});
      for (const r of ts) popRows.push({...r, year: y, share: r.population != null && tot ? (100 * r.population) / tot : null,
        status: r.population_status === 'partial' ? 'published' : r.population_status});
    });
    const last = chartYears[chartYears.length - 1];
    const lastTs = sums[sums.length - 1];
    const n = lastTs.reduce((x, r) => x + r.n_regso, 0);
    const n12 = lastTs.filter((r) => r.area_type <= 2).reduce((x, r) => x + r.n_regso, 0);
    const popTitle = `${t('popByType')}: ${name}`;
    parts.push(h('h2', {text: popTitle}),
      h('p', {}, `${t('popShare12')} ${year}: `, h('strong', {text: last ? `${num(100 * (last.shares[0] + last.shares[1]))} %` : t('noData')}),
        ` · ${t('share12')}: `, h('strong', {text: n ? `${num((100 * n12) / n)} % (${n12} ${t('of')} ${n})` : t('noData')})),
      popChart(chartYears, popTitle), h('p', {class: 'note', text: t('popShareNote')}),
      downloads(dataset({title: popTitle, fixed: [],
        dims: [{id: 'year', label: t('year'), key: (r) => ({code: String(r.year), text: String(r.year)})},
          {id: 'area_type', label: t('areaType'), key: (r) => ({code: String(r.area_type), text: typeLabel(r.area_type)})}],
        measures: [{id: 'n_regso', label: t('nRegso'), unit: 'count', get: (r) => r.n_regso},
          {id: 'population', label: t('population'), unit: 'count', get: (r) => r.population},
          {id: 'share', label: t('popShare'), unit: '%', get: (r) => r.share}],
        rows: popRows, status: (r) => r.status}), 'typesummary', {year, within: code}),
      dataTable(popTitle, [
        {label: t('year'), get: (r) => r.year}, {label: t('areaType'), get: (r) => t(`type${r.area_type}`)},
        {label: t('nRegso'), num: true, get: (r) => r.n_regso},
        {label: t('population'), num: true, get: popCell},
        {label: t('popShare'), num: true, get: (r) => (r.share == null ? '' : `${num(r.share)} %`)}], popRows));
  }
  if (a.types.rows.length) {
    const tr = rowsToObjects(a.types);
    parts.push(h('h2', {text: t('typesOverTime')}), dataTable(t('typesOverTime'), [
      {label: t('year'), get: (r) => r.year}, {label: t('areaType'), get: (r) => (r.area_type ? t(`type${r.area_type}`) : '')},
      {label: t('sei'), num: true, get: (r) => num(r.sei)}], tr));
  }
  const ineq = rowsToObjects(a.inequality);
  if (ineq.length) {
    const title = `${t('inequality')}: ${name}`;
    parts.push(h('h2', {text: t('inequality')}), ineqChart(ineq), h('p', {class: 'note', text: t('ineqNote')}),
      downloads(dataset({title, fixed: [],
        dims: [{id: 'year', label: t('year'), key: (r) => ({code: String(r.year), text: String(r.year)})}],
        measures: [['corrected', t('corrected')], ['lower', t('lower')], ['upper', t('upper')], ['value', t('plugin')], ['expected', t('expected')]]
          .map(([id, label]) => ({id, label, unit: 'index', get: (r) => r[id]})), rows: ineq}), 'inequality', {code}),
      dataTable(title, [{label: t('year'), get: (r) => r.year}, {label: t('index'), get: (r) => r.index},
        {label: t('corrected'), num: true, get: (r) => num(r.corrected)}, {label: t('lower'), num: true, get: (r) => num(r.lower)},
        {label: t('upper'), num: true, get: (r) => num(r.upper)}, {label: t('plugin'), num: true, get: (r) => num(r.value)},
        {label: t('expected'), num: true, get: (r) => num(r.expected)}, {label: t('flag'), get: (r) => flagText(r.flag)}], ineq));
  }
  const inds = rowsToObjects(a.indicators);
  if (a.level === 'kommun') parts.push(await similarSection(a, m, name, inds));
  parts.push(h('h2', {text: t('indicators')}), inds.length ? dataTable(`${t('indicators')}: ${name}`, [
    {label: t('name'), get: (r) => h('a', {href: link(['karta'], {ind: r.indicator, level: a.level, year: r.year, sel: code}), text: getLang() === 'sv' ? r.label_sv : r.label_en})},
    {label: t('year'), get: (r) => r.year}, {label: t('value'), num: true, get: (r) => cellValue(r, r.unit)},
    {label: t('unit'), get: (r) => unitText(r.unit)}], inds) : h('p', {text: t('noValues')}));
  main.replaceChildren(...parts);
  if (mapJob) await mapJob();
  announce(h1.textContent);
}
// The kommun beside similar kommuner (the rule in similar.js) and the
// country: for each indicator of the kommun, its value, the group's median
// and range, and riket, all in the kommun's latest year of the indicator.
async function similarSection(a, m, name, inds) {
  const head = h('h2', {id: 'similar-h', text: t('simTitle')});
  const none = (year) => h('section', {id: 'similar', 'aria-labelledby': 'similar-h'}, head, h('p', {class: 'note', text: t('simNone')}),
    year ? h('p', {class: 'note', text: t('simRule').replace('{year}', year)}) : null);
  // population per RegSO: the denominators of the all-ages share with
  // RegSO values (the server's rule for the population per area type)
  const cands = m.indicators.filter((i) => i.kind === 'ratio' && (i.unit === '%' || i.unit === 'count') && i.levels.includes('regso'));
  const popInd = cands.find((i) => i.id === 'population') || cands.find((i) => i.id === 'low_econ') || cands[0];
  if (!popInd) return none(null);
  let year = null, types = [], pop = new Map();
  for (const y of [...m.typeYears].reverse().filter((x) => popInd.years.includes(x))) {
    const rows = rowsToObjects(await api('values', {indicator: popInd.id, level: 'regso', year: y, sex: 'total', age: 'total', born: 'total'}).catch(() => ({columns: [], rows: []})));
    pop = new Map(rows.filter((r) => r.denominator != null && !isSup(r)).map((r) => [r.code, r.denominator]));
    if (pop.size) { year = y; types = rowsToObjects(await api('types', {year: y})); break; }
  }
  if (!year) return none(null);
  const group = nearest(standardise(kommunFeatures(types, pop)), a.code);
  if (!group.length) return none(year);
  const gset = new Set(group.map((g) => g.code));
  const names = new Map();
  const rows = await Promise.all(inds.map(async (r) => {
    const q = {indicator: r.indicator, year: r.year, sex: 'total', age: r.age || 'total', born: 'total'};
    const [kv, rv] = await Promise.all([api('values', {...q, level: 'kommun'}).then(rowsToObjects).catch(() => []),
      api('values', {...q, level: 'riket'}).then(rowsToObjects).catch(() => [])]);
    for (const x of kv) if (gset.has(x.code)) names.set(x.code, x.name);
    const sp = spread(kv.filter((x) => gset.has(x.code) && !isSup(x)).map((x) => x.value));
    const riket = rv.find((x) => x.code === '00');
    return {...r, median: sp?.median ?? null, min: sp?.min ?? null, max: sp?.max ?? null, n: sp?.n ?? 0,
      riket: riket && !isSup(riket) ? riket.value : null};
  }));
  const allNames = rowsToObjects(await api('areas', {level: 'kommun'}).catch(() => ({columns: [], rows: []})));
  for (const x of allNames) if (gset.has(x.code)) names.set(x.code, x.name);
  const label = (r) => (getLang() === 'sv' ? r.label_sv : r.label_en);
  const title = `${t('simTitle')}: ${name}`;
  const ds = dataset({title, fixed: [],
    dims: [{id: 'indicator', label: t('name'), key: (r) => ({code: r.indicator, text: label(r)})},
      {id: 'year', label: t('year'), key: (r) => ({code: String(r.year), text: String(r.year)})}],
    measures: [{id: 'kommun', label: name, get: (r) => r.value}, {id: 'median', label: t('simMedian'), get: (r) => r.median},
      {id: 'min', label: `${t('simRange')}, min`, get: (r) => r.min}, {id: 'max', label: `${t('simRange')}, max`, get: (r) => r.max},
      {id: 'riket', label: t('riket'), get: (r) => r.riket}], rows});
  return h('section', {id: 'similar', 'aria-labelledby': 'similar-h'}, head,
    h('p', {}, `${t('simGroup')}: `, ...group.flatMap((g, i) => [i ? ', ' : '', h('a', {href: link(['omrade', g.code]), text: names.get(g.code) || g.code})])),
    h('p', {class: 'note', text: t('simRule').replace('{year}', year)}),
    downloads(ds),
    dataTable(title, [
      {label: t('name'), get: label}, {label: t('year'), get: (r) => r.year},
      {label: name, num: true, get: (r) => cellValue(r, r.unit)},
      {label: t('simMedian'), num: true, get: (r) => num(r.median, r.unit)},
      {label: t('simRange'), num: true, get: (r) => (r.min == null ? '' : `${num(r.min, r.unit)}–${num(r.max, r.unit)}`)},
      {label: t('simN'), num: true, get: (r) => String(r.n)},
      {label: t('riket'), num: true, get: (r) => num(r.riket, r.unit)}], rows, {id: 'similartable'}));
}
function swatchFor(k) {
  return s('svg', {width: 28, height: 18, 'aria-hidden': 'true', focusable: 'false'}, s('rect', {width: 28, height: 18, fill: `url(#p${k})`}));
}
