// #/omrade/CODE: the page of a kommun, län or RegSO — "how is my kommun
// doing": its RegSO with their types in a list and a zoomed map, population
// per area type over the years, the inequality index over time.
import {$, h, s, announce} from '../dom.js';
import {t, getLang, areaName, unitText} from '../i18n.js';
import {api, rowsToObjects, meta} from '../api.js';
import {DIV} from '../scales.js';
import {patternDefs, ineqChart, popChart} from '../charts.js';
import {drawMap} from '../map.js';
import {dataTable, dataset, downloads, popCell, cellValue, flagText, typeLabel, num} from '../tables.js';
import {chrome, link} from './common.js';
import {notFound} from './notfound.js';

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
  parts.push(h('h2', {text: t('indicators')}), inds.length ? dataTable(`${t('indicators')}: ${name}`, [
    {label: t('name'), get: (r) => h('a', {href: link(['karta'], {ind: r.indicator, level: a.level, year: r.year, sel: code}), text: getLang() === 'sv' ? r.label_sv : r.label_en})},
    {label: t('year'), get: (r) => r.year}, {label: t('value'), num: true, get: (r) => cellValue(r, r.unit)},
    {label: t('unit'), get: (r) => unitText(r.unit)}], inds) : h('p', {text: t('noValues')}));
  main.replaceChildren(...parts);
  if (mapJob) await mapJob();
  announce(h1.textContent);
}
function swatchFor(k) {
  return s('svg', {width: 28, height: 18, 'aria-hidden': 'true', focusable: 'false'}, s('rect', {width: 28, height: 18, fill: `url(#p${k})`}));
}
