// #/karta: map + indicator lab (map | line chart | table).
import {$, h, s, announce} from '../dom.js';
import {t, getLang, areaName, unitText} from '../i18n.js';
import {api, rowsToObjects, meta, layer} from '../api.js';
import {breaks, classOf, SEQ, DIV} from '../scales.js';
import {patternDefs, swatch, lineChart} from '../charts.js';
import {drawMap, selectArea} from '../map.js';
import {dataTable, dataset, downloads, fixedDims, isSup, supLabel, SUP, cellValue, num} from '../tables.js';
import {chrome, select, searchBox, go, link} from './common.js';
import {eduChoice, eduNote} from '../edu.js';

const indLabel = (i) => (getLang() === 'sv' ? i.label_sv : i.label_en) || i.id;
const indDef = (i) => (i ? (getLang() === 'sv' ? i.def_sv : i.def_en) || '' : '');
export {indLabel};

// The chooser's options: indicators without a theme first, then one group
// per theme (health: the indicators of `omrade rates --barometer`).
function indicatorOptions(m, inds) {
  const plain = [...(m.typeYears.length ? [['area_type', t('areaType')]] : []), ...inds.filter((i) => !i.theme).map((i) => [i.id, indLabel(i)])];
  const themes = [...new Set(inds.map((i) => i.theme).filter(Boolean))];
  if (!themes.length) return plain;
  return [...(plain.length ? [{group: t('theme_other'), options: plain}] : []),
    ...themes.map((th) => ({group: t(`theme_${th}`) === `theme_${th}` ? th : t(`theme_${th}`), options: inds.filter((i) => i.theme === th).map((i) => [i.id, indLabel(i)])}))];
}
// "lower – upper" of a published cell with an interval, else ''.
const hasIv = (r) => r != null && !isSup(r) && r.lower != null && r.upper != null;
const ivText = (r, unit) => (hasIv(r) ? `${num(r.lower, unit)} – ${num(r.upper, unit)}` : '');

export async function viewMap(params) {
  const m = await meta();
  chrome('karta', m);
  const main = $('#main');
  const inds = m.indicators;
  const st = {
    level: params.get('level') || 'kommun',
    ind: params.get('ind') || (m.typeYears.length ? 'area_type' : inds[0]?.id || 'area_type'),
    year: params.get('year'), sex: params.get('sex') || 'total', age: params.get('age') || '',
    born: params.get('born') || 'total', view: params.get('view') || 'map', police: params.get('police') === '1',
    deso: params.get('deso') === '1' && hasDeso(m),
    sel: params.get('sel') || '',
  };
  const isType = st.ind === 'area_type';
  if (isType) st.level = 'regso';
  const ind = inds.find((i) => i.id === st.ind);
  if (!st.age || (ind && !ind.ages.includes(st.age))) st.age = ind?.main_age || 'total';
  const years = isType ? m.typeYears : ind ? ind.years : [];
  if (!st.year || !years.includes(Number(st.year))) st.year = String(years[years.length - 1] ?? '');
  const levels = isType ? ['regso'] : (ind ? ind.levels.filter((l) => l !== 'riket') : []);
  if (!isType && levels.length && !levels.includes(st.level)) st.level = levels.includes('kommun') ? 'kommun' : levels[0];
  const update = (patch) => go(['karta'], Object.fromEntries(Object.entries({...st, ...patch}).filter(([k, v]) => v).map(([k, v]) => [k, v === true ? '1' : v])));
  const breakdown = !isType && ind?.kind !== 'value';
  // education: a select only where the database has the cube (kommun and
  // län, the main age group), else a note that says why not
  const ec = breakdown ? eduChoice(ind, st.level, st.age, params.get('edu')) : {edus: [], edu: '', reason: null};
  st.edu = ec.edu;

  const varOpts = indicatorOptions(m, inds);
  const controls = h('form', {class: 'controls', 'aria-label': t('map'), onsubmit: (e) => e.preventDefault()},
    select(t('variable'), 'ind', varOpts, st.ind, (v) => update({ind: v})),
    select(t('level'), 'level', (isType ? ['regso'] : levels).map((l) => [l, t(l)]), st.level, (v) => update({level: v})),
    select(t('year'), 'year', years.map((y) => [y, y]), st.year, (v) => update({year: v})),
    breakdown && select(t('sex'), 'sex', ['total', 'man', 'woman'].map((x) => [x, t(x)]), st.sex, (v) => update({sex: v})),
    breakdown && select(t('age'), 'age', (ind?.ages.length ? ind.ages : ['total']).map((x) => [x, x === 'total' ? t('total') : x]), st.age, (v) => update({age: v})),
    breakdown && select(t('born'), 'born', ['total', 'sweden', 'abroad'].map((x) => [x, t(x)]), st.born, (v) => update({born: v})),
    ec.edus.length ? select(t('edu'), 'edu', ec.edus.map((x) => [x, t(`edu_${x}`)]), st.edu, (v) => update({edu: v})) : null,
    ec.reason ? h('p', {class: 'note', id: 'edu-note', text: eduNote(ec.reason, ind, t)}) : null,
    h('fieldset', {class: 'views'}, h('legend', {text: t('view')}),
      ...[['map', t('viewMap')], ['line', t('viewLine')], ['table', t('viewTable')]].map(([v, l]) =>
        h('button', {type: 'button', id: `v-${v}`, class: st.view === v ? null : 'secondary', 'aria-pressed': String(st.view === v), onclick: () => update({view: v}), text: l}))),
    h('label', {class: 'check', for: 'f-police'}, h('input', {type: 'checkbox', id: 'f-police', checked: st.police ? true : null,
      onchange: (e) => update({police: e.target.checked})}), t('police')),
    // only when DeSO boundaries were built in (`omrade geom --level deso`)
    hasDeso(m) && st.view === 'map' ? h('label', {class: 'check', for: 'f-deso'}, h('input', {type: 'checkbox', id: 'f-deso', checked: st.deso ? true : null,
      onchange: (e) => update({deso: e.target.checked})}), t('desoLayer')) : null,
    searchBox((hit) => update({sel: hit.code, level: isType || hit.level === 'lan' || !levels.includes(hit.level) ? st.level : hit.level})));
  const h1 = h('h1', {text: isType ? `${t('areaType')} ${st.year}` : `${ind ? indLabel(ind) : ''} ${st.year}`});
  // the first paint (index.html) is this view: keep it until the map is made
  if (!document.getElementById('fp')) main.replaceChildren(h1, controls, h('p', {class: 'note', text: t('loading')}));

  let rows = [];
  const unit = ind?.unit;
  const apiParams = isType ? {year: st.year} : {indicator: st.ind, level: st.level, year: st.year, sex: st.sex, age: st.age, born: st.born, edu: st.edu};
  const apiPath = isType ? 'types' : 'values';
  try {
    if (isType) {
      const r = rowsToObjects(await api('types', {year: st.year}));
      rows = r.map((x) => ({code: x.code, name: x.name, value: x.area_type, cls: x.area_type ? x.area_type - 1 : null, sei: x.sei, status: 'published'}));
    } else if (st.ind) {
      rows = rowsToObjects(await api('values', apiParams));
    }
  } catch (e) {
    main.replaceChildren(h1, controls, h('p', {class: 'error', text: `${t('apiError')}: ${e.message}`}));
    return;
  }
  const br = isType ? [] : breaks(rows.filter((r) => !isSup(r)).map((r) => r.value));
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const classFor = (r) => (r == null ? 'na' : isSup(r) ? (r.status === 'secondary' ? 'sup2' : 'sup') : isType ? (r.cls ?? 'na') : r.value == null ? 'na' : classOf(r.value, br));
  const valueText = (r) => (r ? (isSup(r) ? supLabel(r.status) : isType ? (r.value ? t(`type${r.value}`) : t('noData'))
    : num(r.value, unit) + (hasIv(r) ? ` (${t('intervalShort')} ${ivText(r, unit)})` : '')) : t('noData'));
  // intervals: only indicators whose rows carry them (/api/values adds the
  // columns lower,upper for them; suppressed cells have none)
  const withIv = !isType && rows.some((r) => 'lower' in r);
  const colours = isType ? DIV : SEQ;
  // one hidden set of pattern definitions per view, used by map and legend
  const defs = s('svg', {width: 0, height: 0, 'aria-hidden': 'true', focusable: 'false', style: 'position:absolute'}, patternDefs('p', colours));

  const unitSuffix = unit === '%' ? ' %' : unit && unit !== 'index' ? ` ${unitText(unit)}` : '';
  const vals = rows.filter((r) => r.value != null && !isSup(r)).map((r) => r.value);
  const legendItems = isType
    ? [1, 2, 3, 4, 5].map((k) => [`url(#p${k - 1})`, t(`type${k}`)])
    : vals.length ? [...Array(br.length + 1).keys()].map((k) => {
      const lo = k === 0 ? Math.min(...vals) : br[k - 1];
      const hi = k === br.length ? Math.max(...vals) : br[k];
      return [`url(#p${k})`, `${num(lo, unit)} – ${num(hi, unit)}${unitSuffix}`];
    }) : [];
  // both kinds of suppression are always explained; the undistinguished
  // label only for a database that has it
  legendItems.push(['url(#psup)', t('primary')], ['url(#psup2)', t('secondary')]);
  if (rows.some((r) => r.status === 'suppressed')) legendItems.push(['url(#psup)', t('suppressed')]);
  legendItems.push(['url(#pna)', t('noData')]);
  const legend = h('div', {}, h('h2', {text: t('legend')}),
    h('ul', {class: 'legend'}, legendItems.map(([fill, label]) => h('li', {}, swatch(fill), label))),
    st.police ? h('p', {class: 'note', text: t('policeLegend')}) : null);

  const panel = h('aside', {class: 'panel', 'aria-labelledby': 'profile-h'}, h('h2', {id: 'profile-h', text: t('profile')}),
    h('div', {id: 'profile'}, h('p', {class: 'note', text: t('chooseArea')})), legend,
    st.police ? await policeTable() : null);
  const showProfile = (code, quiet) => {
    const r = byCode.get(code);
    const prof = $('#profile');
    if (!prof) return;
    api('area', {code}).then((a) => {
      // a kommun or län chosen on the RegSO map: its RegSO counted by type
      const inner = !r && isType ? rows.filter((x) => x.code.startsWith(code)) : [];
      const v = inner.length ? `${inner.length} RegSO: ${[1, 2, 3, 4, 5].map((k) => `${t('areaType').toLowerCase()} ${k}: ${inner.filter((x) => x.value === k).length}`).join(', ')}`
        : valueText(r);
      const name = areaName(a.code, a.label || a.name);
      prof.replaceChildren(...[h('p', {}, h('strong', {text: name})),
        h('p', {}, `${isType ? t('areaType') : indLabel(ind)}: ${v}`),
        a.kommun_name && a.level !== 'kommun' ? h('p', {}, `${t('kommun')}: `, h('a', {href: link(['omrade', a.kommun]), text: a.kommun_name})) : null,
        h('p', {}, h('a', {href: link(['omrade', code]), text: `${t('openPage')} ${areaName(a.code, a.name)}`}))].filter(Boolean));
      if (!quiet) announce(`${name}: ${v}`);
    }).catch(() => {});
    selectArea(code);
  };

  const table = dataTable(`${t('tableAlt')}: ${h1.textContent}`, [
    {label: t('name'), get: (r) => h('button', {type: 'button', class: 'linkish', onclick: () => showProfile(r.code), text: areaName(r.code, r.name)})},
    {label: t('code'), get: (r) => r.code},
    {label: isType ? t('areaType') : t('value'), num: !isType, get: (r) => (isType ? (r.value ? t(`type${r.value}`) : t('noData')) : cellValue(r, unit))},
    ...(withIv ? [{label: t('interval'), num: true, get: (r) => (isSup(r) ? SUP(r.status) : ivText(r, unit))}] : []),
    ...(isType ? [{label: t('sei'), num: true, get: (r) => num(r.sei)}] : [
      {label: t('numerator'), num: true, get: (r) => (isSup(r) ? SUP(r.status) : num(r.numerator, 'count'))},
      {label: t('denominator'), num: true, get: (r) => (isSup(r) ? SUP(r.status) : num(r.denominator, 'count'))}]),
  ], rows, {id: 'datatable', limit: 300});
  const ds = dataset({
    title: `${h1.textContent}, ${t(st.level)}`, fixed: fixedDims(st, breakdown),
    dims: [{id: 'region', label: t('within'), withCode: true, key: (r) => ({code: r.code, text: areaName(r.code, r.name)})}],
    measures: isType ? [{id: 'area_type', label: t('areaType'), unit: 'type', get: (r) => r.value}, {id: 'sei', label: t('sei'), unit: 'index', get: (r) => r.sei}]
      : [{id: 'value', label: t('value'), unit, get: (r) => r.value},
        ...(withIv ? [{id: 'lower', label: t('lower'), unit, get: (r) => r.lower}, {id: 'upper', label: t('upper'), unit, get: (r) => r.upper}] : []),
        {id: 'numerator', label: t('numerator'), unit: 'count', get: (r) => r.numerator},
        {id: 'denominator', label: t('denominator'), unit: 'count', get: (r) => r.denominator}],
    rows, status: (r) => r.status || 'published'});
  const tableSection = h('section', {class: 'tablecol', 'aria-label': t('tableAlt')}, downloads(ds, apiPath, apiParams), table);

  let first;
  if (st.view === 'table') {
    first = h('div', {class: 'mapcol'}, defs);
  } else if (st.view === 'line') {
    first = h('div', {class: 'mapcol'}, defs, await lineView(st, ind, unit, breakdown));
  } else {
    const mapbox = h('div', {class: 'mapbox'});
    // The län/kommun maps are up to 290 tab stops: let keyboard users jump
    // past them (a button, as links would change the hash route).
    const skipMap = h('button', {type: 'button', class: 'skip', text: t('skipMap'),
      onclick: () => document.getElementById('datatable')?.focus()});
    first = h('div', {class: 'mapcol'}, defs, st.level !== 'regso' ? skipMap : null, mapbox,
      st.level === 'regso' && regsoSchematic(m) ? h('p', {class: 'schematic', text: t('schematic')}) : null);
    const deso = st.deso ? await desoValues(ind, apiParams, classFor, valueText) : null;
    if (deso) first.append(h('p', {class: 'note', id: 'deso-note', text: t(deso.byCode ? 'desoValuesNote' : 'desoNote')}));
    await drawMap(mapbox, {level: st.level, classFor, byCode, valueText, police: st.police, onPick: (c) => showProfile(c),
      label: `${t('mapOf')}: ${h1.textContent}. ${t('tableAlt')}.`, fit: st.sel || null, id: 'map', deso});
  }
  // an empty slice of an indicator: withheld by the table design (RegSO
  // totals only, kommun one breakdown at a time; docs/barometer.md)
  const withheld = !isType && st.ind && rows.length === 0 ? h('p', {class: 'note', id: 'not-published', role: 'note',
    text: t(st.edu && st.edu !== 'total' ? 'eduNotPublished' : 'notPublished')}) : null;
  // the catalogue's definition (population, numerator, denominator,
  // source, years) and, with intervals, why suppressed cells have none
  const def = !isType && indDef(ind) ? h('details', {class: 'definition', id: 'definition'}, h('summary', {text: t('definition')}),
    h('p', {text: indDef(ind)}), withIv ? h('p', {class: 'note', text: t('intervalNote')}) : null) : null;
  main.replaceChildren(...[h1, controls, def, withheld, h('div', {class: 'layout'}, first, panel, tableSection)].filter(Boolean));
  announce(withheld ? withheld.textContent : `${h1.textContent}: ${rows.length} ${t('areasWord')}`);
  if (st.sel) showProfile(st.sel, true);
}
const hasDeso = (m) => !!(m && m.layers && m.layers.some((l) => l.layer === 'deso'));
// DeSO values of the indicator where the database has them (the
// indicator's levels include deso), else none: the layer is outlines.
async function desoValues(ind, apiParams, classFor, valueText) {
  if (!ind || !ind.levels.includes('deso')) return {};
  const rows = rowsToObjects(await api('values', {...apiParams, level: 'deso'}).catch(() => ({columns: [], rows: []})));
  return rows.length ? {byCode: new Map(rows.map((r) => [r.code, r])), classFor, valueText} : {};
}
// The RegSO layer is schematic unless real boundaries were built in
// (`omrade geom`); the database's layer list says which.
const regsoSchematic = (m) => !(m && m.layers && m.layers.some((l) => l.layer === 'regso' && !l.schematic));

async function lineView(st, ind, unit, breakdown) {
  if (!ind) return h('p', {text: t('noValues')});
  const params = {indicator: st.ind, code: ['00', st.sel].filter(Boolean).join(','), sex: st.sex, age: st.age, born: st.born, edu: st.edu};
  const rows = rowsToObjects(await api('series', params));
  const series = new Map();
  for (const r of rows) { if (!series.has(r.code)) series.set(r.code, {name: areaName(r.code, r.name), pts: []}); series.get(r.code).pts.push(r); }
  if (!rows.some((r) => r.value != null)) return h('p', {text: t('noValues')});
  const title = `${t('lineFor')}: ${indLabel(ind)}`;
  const tbl = dataTable(title, [
    {label: t('name'), get: (r) => areaName(r.code, r.name)}, {label: t('year'), get: (r) => r.year},
    {label: t('value'), num: true, get: (r) => cellValue(r, unit)}], rows);
  const ds = dataset({title, fixed: fixedDims({...st, year: ''}, breakdown),
    dims: [{id: 'region', label: t('within'), withCode: true, key: (r) => ({code: r.code, text: areaName(r.code, r.name)})},
      {id: 'year', label: t('year'), key: (r) => ({code: String(r.year), text: String(r.year)})}],
    measures: [{id: 'value', label: t('value'), unit, get: (r) => r.value}], rows, status: (r) => r.status || 'published'});
  return h('div', {}, h('h2', {text: title}), lineChart([...series.values()], unit, title), downloads(ds, 'series', params), tbl);
}

// The police's list of vulnerable areas (2023) as a table beside the layer:
// name, place, police region and category, the most severe first, with
// the same downloads as every table.  When the database has the overlaps
// computed by `omrade build --police` (/api/police), each area also lists
// the RegSO and kommuner it overlaps: the share of the police area's area
// in each, and the RegSO's area type.
const POLICE_CAT = {'Särskilt utsatt område': ['policeCat1', 1], 'Utsatt område': ['policeCat2', 2], 'Riskområde': ['policeCat3', 3]};
async function policeRows() {
  const tbl = await api('police').catch(() => null);
  if (tbl && tbl.rows.length) {
    const by = new Map();
    for (const r of rowsToObjects(tbl)) {
      if (!by.has(r.id)) by.set(r.id, {name: r.name, ort: r.ort, region: r.region, category: r.category, regso: [], kommun: []});
      if (r.level === 'regso' || r.level === 'kommun') by.get(r.id)[r.level].push(r);
    }
    return {rows: [...by.values()], overlap: true};
  }
  const topo = await layer('police');
  return {rows: topo.objects.police.geometries.map((g) => g.properties), overlap: false};
}
const sharePct = (o) => (o.share < 0.005 ? '< 1 %' : `${Math.round(o.share * 100)} %`);
const overlapText = (list, withType) => list.map((o) => `${o.area_name || o.code} ${sharePct(o)}` +
  (withType && o.area_type ? ` (${t('areaType').toLowerCase()} ${o.area_type})` : '')).join('; ');
const overlapList = (list, withType) => (list.length
  ? h('ul', {class: 'overlap'}, list.map((o) => h('li', {text: overlapText([o], withType)})))
  : t('policeNoOverlap'));
async function policeTable() {
  const {rows, overlap} = await policeRows();
  rows.sort((a, b) => (POLICE_CAT[a.category]?.[1] ?? 9) - (POLICE_CAT[b.category]?.[1] ?? 9) || a.ort.localeCompare(b.ort, 'sv') || a.name.localeCompare(b.name, 'sv'));
  const cat = (r) => (POLICE_CAT[r.category] ? t(POLICE_CAT[r.category][0]) : r.category);
  const title = t('policeTable');
  // a table of texts only: its columns are all dimensions, no measures
  const text = (f) => (r) => ({code: f(r), text: f(r)});
  const extra = overlap ? [{id: 'regso', label: t('policeRegso'), key: text((r) => overlapText(r.regso, true))},
    {id: 'kommun', label: t('policeKommun'), key: text((r) => overlapText(r.kommun, false))}] : [];
  const ds = dataset({title, fixed: [], measures: [], rows,
    dims: [{id: 'area', label: t('name'), key: text((r) => r.name)}, {id: 'place', label: t('policePlace'), key: text((r) => r.ort)},
      {id: 'region', label: t('policeRegion'), key: text((r) => r.region)}, {id: 'category', label: t('policeCat'), key: (r) => ({code: r.category, text: cat(r)})},
      ...extra]});
  return h('section', {'aria-labelledby': 'police-h'}, h('h2', {id: 'police-h', text: title}),
    overlap ? h('p', {class: 'note', id: 'police-overlap-note', text: t('policeOverlapNote')}) : null,
    downloads(ds),
    dataTable(title, [
      {label: t('name'), get: (r) => r.name},
      {label: t('policePlace'), get: (r) => r.ort},
      {label: t('policeRegion'), get: (r) => r.region},
      {label: t('policeCat'), get: cat},
      ...(overlap ? [{label: t('policeRegso'), get: (r) => overlapList(r.regso, true)},
        {label: t('policeKommun'), get: (r) => overlapList(r.kommun, false)}] : []),
    ], rows, {id: 'policetable'}));
}
