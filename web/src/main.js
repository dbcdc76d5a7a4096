// Områdesbarometern — the barometer front end.  Plain DOM + d3-geo; all data
// from the read-only API of `omrade serve` (docs/barometer.md).  Routes live
// in the URL hash so every view can be linked and the back button works:
//   #/karta?…        map + indicator lab (map | line chart | table)
//   #/omrade/CODE    kommun / län / RegSO page
//   #/typer?…        indicators by area type
//   #/tillganglighet accessibility statement
import {geoPath, geoTransverseMercator} from 'd3-geo';
import {feature, mesh} from 'topojson-client';

// ------------------------------------------------------------------ i18n
const T = {
  sv: {
    title: 'Områdesbarometern', skip: 'Hoppa till innehållet', navLabel: 'Huvudmeny',
    map: 'Karta och indikatorer', types: 'Områdestyper', a11y: 'Tillgänglighet', lang: 'English',
    langLabel: 'Switch language to English', level: 'Nivå', lan: 'Län', kommun: 'Kommun', regso: 'RegSO', riket: 'Riket',
    variable: 'Visa', areaType: 'Områdestyp', year: 'År', sex: 'Kön', age: 'Ålder', born: 'Född',
    total: 'Totalt', man: 'Män', woman: 'Kvinnor', sweden: 'I Sverige', abroad: 'Utomlands',
    view: 'Visning', viewMap: 'Karta', viewLine: 'Linjediagram', viewTable: 'Tabell',
    search: 'Sök kommun eller RegSO', police: 'Visa polisens utsatta områden (2023)',
    within: 'Område', wholeCountry: 'Hela riket', download: 'Ladda ner', csv: 'CSV', xlsx: 'Excel (XLSX)',
    suppressed: 'Skyddad', primary: 'Skyddad: för få personer', secondary: 'Skyddad för att skydda andra värden', noData: 'Uppgift saknas',
    synthetic: 'Syntetiska data: uppgifterna kommer från en syntetisk befolkning, inte från verkliga register. De beskriver inga verkliga personer.',
    exportAll: 'Ladda ner alla uppgifter (CSV, gzip-komprimerad, en rad per cell)', type12: '1–2 Socioekonomiska utmaningar (typ 1 och 2 tillsammans)',
    plugin: 'Okorrigerat värde', corrected: 'Korrigerat värde', expected: 'Vid slumpmässig fördelning',
    ineqNote: 'Punkten är det korrigerade värdet med sitt 95-procentiga intervall; ringen är det okorrigerade värdet och strecket värdet om personerna bodde slumpmässigt. Det okorrigerade värdet överskattar ojämlikheten när varje DeSO har få personer; det korrigerade värdet drar av den skattade överskattningen.',
    flag_few_deso: 'Få DeSO med befolkning: osäkert värde.', flag_few_persons: 'Få personer: osäkert värde.',
    flag_empty_group: 'Ingen i den lägsta eller högsta inkomstgruppen: index saknas.',
    flag_large_bias: 'Stor skevhet: det okorrigerade värdet är uppblåst av slumpen i små DeSO. Läs det korrigerade värdet och jämför det okorrigerade med värdet vid slumpmässig fördelning.',
    flag_bootstrap_bias: 'Intervallet innehåller inte värdet: skevhet i små DeSO.', value: 'Värde', name: 'Namn', code: 'Kod',
    numerator: 'Täljare', denominator: 'Nämnare', profile: 'Områdesprofil', openPage: 'Öppna sidan för',
    mapOf: 'Karta', skipMap: 'Hoppa förbi kartan till tabellen', tableAlt: 'Tabell (samma uppgifter som kartan)', chooseArea: 'Klicka på ett område eller välj i tabellen.',
    schematic: 'RegSO visas som schematiska celler inom varje kommun (inte SCB:s verkliga gränser). Kommun- och länsgränser är verkliga.',
    type1: '1 Stora socioekonomiska utmaningar', type2: '2 Socioekonomiska utmaningar', type3: '3 Socioekonomiskt blandade',
    type4: '4 Goda socioekonomiska förutsättningar', type5: '5 Mycket goda socioekonomiska förutsättningar',
    nRegso: 'Antal RegSO', population: 'Befolkning', share12: 'Andel RegSO i typ 1–2', inequality: 'Ojämlikhetsindex över tid',
    indicators: 'Indikatorer (senaste år)', typesOverTime: 'Områdestyp över tid', sei: 'SEI', loading: 'Hämtar…',
    legend: 'Teckenförklaring', lineFor: 'Utveckling över tid', addArea: 'Jämför med', typeView: 'Indikator per områdestyp',
    lower: 'Nedre', upper: 'Övre', index: 'Index', flag: 'Anmärkning', typeYear: 'Typår', unit: 'Enhet',
    policeLegend: 'Polisens område (streckad kontur)', policeCat: 'Kategori', notFound: 'Sidan finns inte.',
    provenance: 'Källor och metod', suppressionRule: 'Röjandeskydd', shown: 'Visar', of: 'av', areasWord: 'områden',
    chooseLan: 'Inom län', atLeast: 'minst', regsoSuppressed: 'RegSO skyddade', showAll: 'Visa alla rader', noValues: 'Inga uppgifter för detta urval.', apiError: 'Kunde inte hämta uppgifter',
  },
  en: {
    title: 'Area barometer', skip: 'Skip to content', navLabel: 'Main menu',
    map: 'Map and indicators', types: 'Area types', a11y: 'Accessibility', lang: 'Svenska',
    langLabel: 'Byt språk till svenska', level: 'Level', lan: 'County', kommun: 'Municipality', regso: 'RegSO', riket: 'Sweden',
    variable: 'Show', areaType: 'Area type', year: 'Year', sex: 'Sex', age: 'Age', born: 'Born',
    total: 'Total', man: 'Men', woman: 'Women', sweden: 'In Sweden', abroad: 'Abroad',
    view: 'View', viewMap: 'Map', viewLine: 'Line chart', viewTable: 'Table',
    search: 'Search municipality or RegSO', police: 'Show police vulnerable areas (2023)',
    within: 'Area', wholeCountry: 'All of Sweden', download: 'Download', csv: 'CSV', xlsx: 'Excel (XLSX)',
    suppressed: 'Suppressed', primary: 'Suppressed: too few persons', secondary: 'Protected to protect other values', noData: 'No data',
    synthetic: 'Synthetic data: the figures come from a synthetic population, not from real registers. They describe no real persons.',
    exportAll: 'Download all data (CSV, gzip-compressed, one row per cell)', type12: '1–2 Socioeconomic challenges (types 1 and 2 together)',
    plugin: 'Uncorrected value', corrected: 'Corrected value', expected: 'Under random allocation',
    ineqNote: 'The dot is the corrected value with its 95 % interval; the ring is the uncorrected value and the dash the value if persons lived at random. The uncorrected value overstates inequality when each DeSO has few persons; the corrected value subtracts the estimated overstatement.',
    flag_few_deso: 'Few DeSO with residents: uncertain value.', flag_few_persons: 'Few persons: uncertain value.',
    flag_empty_group: 'No one in the lowest or highest income quintile: no index.',
    flag_large_bias: 'Large bias: the uncorrected value is inflated by chance in small DeSOs. Read the corrected value, and compare the uncorrected one with the value under random allocation.',
    flag_bootstrap_bias: 'The interval does not contain the value: bias in small DeSOs.', value: 'Value', name: 'Name', code: 'Code',
    numerator: 'Numerator', denominator: 'Denominator', profile: 'Area profile', openPage: 'Open the page for',
    mapOf: 'Map', skipMap: 'Skip the map, go to the table', tableAlt: 'Table (same data as the map)', chooseArea: 'Click an area or choose one in the table.',
    schematic: 'RegSO are drawn as schematic cells inside each municipality (not SCB\'s real boundaries). Municipality and county boundaries are real.',
    type1: '1 Major socioeconomic challenges', type2: '2 Socioeconomic challenges', type3: '3 Socioeconomically mixed',
    type4: '4 Good socioeconomic conditions', type5: '5 Very good socioeconomic conditions',
    nRegso: 'Number of RegSO', population: 'Population', share12: 'Share of RegSO in types 1–2', inequality: 'Inequality index over time',
    indicators: 'Indicators (latest year)', typesOverTime: 'Area type over time', sei: 'SEI', loading: 'Loading…',
    legend: 'Legend', lineFor: 'Change over time', addArea: 'Compare with', typeView: 'Indicator by area type',
    lower: 'Lower', upper: 'Upper', index: 'Index', flag: 'Note', typeYear: 'Type year', unit: 'Unit',
    policeLegend: 'Police area (dashed outline)', policeCat: 'Category', notFound: 'Page not found.',
    provenance: 'Sources and method', suppressionRule: 'Disclosure control', shown: 'Showing', of: 'of', areasWord: 'areas',
    chooseLan: 'Within county', atLeast: 'at least', regsoSuppressed: 'RegSO suppressed', showAll: 'Show all rows', noValues: 'No data for this selection.', apiError: 'Could not load data',
  },
};
let lang = localStorage.getItem('omrade-lang') === 'en' ? 'en' : 'sv';
const t = (k) => T[lang][k] ?? k;

// ------------------------------------------------------------------ utils
const $ = (sel, el = document) => el.querySelector(sel);
function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) if (kid != null && kid !== false) el.append(kid.nodeType ? kid : String(kid));
  return el;
}
const SVGNS = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, ...kids) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, v);
  for (const kid of kids.flat()) if (kid != null) el.append(kid.nodeType ? kid : String(kid));
  return el;
}
const cache = new Map();
async function api(path, params = {}) {
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== '')).toString();
  const url = `/api/${path}${qs ? '?' + qs : ''}`;
  if (cache.has(url)) return cache.get(url);
  const p = fetch(url).then(async (r) => {
    const body = await r.json();
    if (!r.ok) throw new Error(body?.error?.message || r.statusText);
    return body;
  });
  cache.set(url, p);
  p.catch(() => cache.delete(url));
  return p;
}
function downloadUrl(path, params, format) {
  const qs = new URLSearchParams(Object.entries({...params, format}).filter(([, v]) => v != null && v !== ''));
  return `/api/${path}?${qs}`;
}
const rowsToObjects = (tbl) => tbl.rows.map((r) => Object.fromEntries(tbl.columns.map((c, i) => [c, r[i]])));
function fmt(v, unit) {
  if (v == null) return '';
  const d = unit === 'SEK' || unit === 'count' ? 0 : Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return new Intl.NumberFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', {maximumFractionDigits: d, minimumFractionDigits: d}).format(v);
}
function announce(msg) { $('#status').textContent = msg; }
function route() {
  const [path, q] = location.hash.replace(/^#/, '').split('?');
  return {parts: (path || '/karta').split('/').filter(Boolean), params: new URLSearchParams(q || '')};
}
function go(parts, params) {
  const qs = params ? new URLSearchParams(params).toString() : '';
  location.hash = '#/' + parts.join('/') + (qs ? '?' + qs : '');
}

// ------------------------------------------------------- classes + patterns
// Five classes, each with a colour AND a pattern so that the legend does not
// rely on colour alone (WCAG 1.4.1).  Colours: viridis (sequential) and a
// red-blue diverging scheme for area types (ColorBrewer RdBu), both
// readable with common colour-vision deficiencies.
const SEQ = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'];
const DIV = ['#b2182b', '#ef8a62', '#f7f7f7', '#67a9cf', '#2166ac'];
const MARKS = ['', 'dots', 'diag', 'cross', 'horiz'];
function patternDefs(prefix, colours) {
  const defs = s('defs');
  colours.forEach((c, i) => {
    const ink = i >= 3 || c === '#b2182b' || c === '#2166ac' ? '#ffffff' : '#1b1b1b';
    const p = s('pattern', {id: `${prefix}${i}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse'},
      s('rect', {width: 6, height: 6, fill: c}));
    const m = MARKS[i];
    if (m === 'dots') p.append(s('circle', {cx: 3, cy: 3, r: 1, fill: ink}));
    if (m === 'diag') p.append(s('path', {d: 'M0,6 L6,0', stroke: ink, 'stroke-width': .8}));
    if (m === 'cross') p.append(s('path', {d: 'M0,6 L6,0 M0,0 L6,6', stroke: ink, 'stroke-width': .7}));
    if (m === 'horiz') p.append(s('path', {d: 'M0,1.5 H6 M0,4.5 H6', stroke: ink, 'stroke-width': .7}));
    defs.append(p);
  });
  // primary (and undistinguished) suppression: grey with one hatch;
  // secondary: lighter grey with a cross-hatch, so the two differ in
  // pattern as well as shade
  defs.append(s('pattern', {id: `${prefix}sup`, width: 6, height: 6, patternUnits: 'userSpaceOnUse'},
    s('rect', {width: 6, height: 6, fill: '#d0d0d0'}), s('path', {d: 'M0,0 L6,6', stroke: '#1b1b1b', 'stroke-width': 1})));
  defs.append(s('pattern', {id: `${prefix}sup2`, width: 6, height: 6, patternUnits: 'userSpaceOnUse'},
    s('rect', {width: 6, height: 6, fill: '#ececec'}), s('path', {d: 'M0,0 L6,6 M0,6 L6,0', stroke: '#1b1b1b', 'stroke-width': .8})));
  defs.append(s('pattern', {id: `${prefix}na`, width: 6, height: 6, patternUnits: 'userSpaceOnUse'},
    s('rect', {width: 6, height: 6, fill: '#ffffff'})));
  return defs;
}
function swatch(fill) {
  return s('svg', {width: 28, height: 18, 'aria-hidden': 'true', focusable: 'false'}, s('rect', {width: 28, height: 18, fill}));
}
// Quantile breaks (5 classes) over the published values.
function breaks(values) {
  const v = values.filter((x) => x != null).sort((a, b) => a - b);
  if (!v.length) return [];
  const b = [1, 2, 3, 4].map((k) => v[Math.min(v.length - 1, Math.floor((k * v.length) / 5))]);
  return [...new Set(b)].filter((x) => x > v[0]); // fewer classes when values repeat
}
const classOf = (x, br) => { let i = 0; while (i < br.length && x >= br[i]) i++; return i; };

// ------------------------------------------------------------------ state
let META = null;
const GEO = {};
async function meta() {
  if (!META) {
    const m = await api('meta');
    META = {
      raw: m,
      indicators: rowsToObjects(m.indicators).map((i) => ({...i,
        years: String(i.years || '').split(',').filter(Boolean).map(Number),
        levels: String(i.levels || '').split(',').filter(Boolean),
        ages: String(i.ages || '').split(',').filter(Boolean)})),
      typeYears: rowsToObjects(m.type_years).map((r) => r.year),
      layers: rowsToObjects(m.layers),
      meta: Object.fromEntries(m.meta.rows),
    };
  }
  return META;
}
// The RegSO layer is schematic unless real boundaries were built in
// (`omrade geom`); the database's layer list says which.
const regsoSchematic = () => !(META && META.layers && META.layers.some((l) => l.layer === 'regso' && !l.schematic));

async function layer(name) {
  if (!GEO[name]) {
    GEO[name] = fetch(`/api/geo/${name}`).then((r) => { if (!r.ok) throw new Error(name); return r.json(); });
  }
  return GEO[name];
}
const indLabel = (i) => (lang === 'sv' ? i.label_sv : i.label_en) || i.id;

// ------------------------------------------------------------------ chrome
function chrome(active) {
  document.documentElement.lang = lang;
  document.title = t('title');
  $('#brand').textContent = t('title');
  $('.skip').textContent = t('skip');
  const nav = $('#nav');
  nav.setAttribute('aria-label', t('navLabel'));
  nav.replaceChildren(h('ul', {}, [['karta', t('map')], ['typer', t('types')], ['tillganglighet', t('a11y')]].map(([k, label]) =>
    h('li', {}, h('a', {href: `#/${k}`, 'aria-current': active === k ? 'page' : null, text: label})))));
  const b = $('#lang');
  b.textContent = t('lang');
  b.setAttribute('lang', lang === 'sv' ? 'en' : 'sv');
  b.setAttribute('aria-label', t('langLabel'));
  $('#foot').replaceChildren(h('p', {}, `${t('title')} · omrade · `, h('a', {href: '#/tillganglighet', text: t('a11y')}), ' · ',
    h('a', {href: '/api/export.csv.gz', download: '', text: t('exportAll')})));
  // Provenance on every page: the database says whether its data are
  // synthetic (meta data_source), and the page says so before anything else.
  const synthetic = META && META.meta.data_source === 'synthetic';
  const banner = $('#banner');
  banner.hidden = !synthetic;
  banner.textContent = synthetic ? t('synthetic') : '';
}

function select(label, name, options, value, onchange) {
  const id = `f-${name}`;
  return h('label', {for: id}, label,
    h('select', {id, name, onchange: (e) => onchange(e.target.value)},
      options.map(([v, l]) => h('option', {value: v, selected: String(v) === String(value) ? true : null, text: l}))));
}

function downloads(path, params, caption) {
  return h('p', {class: 'downloads'}, `${t('download')} ${caption}: `,
    h('a', {href: downloadUrl(path, params, 'csv'), download: '', text: t('csv')}),
    h('a', {href: downloadUrl(path, params, 'xlsx'), download: '', text: t('xlsx')}));
}

// Long tables show the first opts.limit rows and a button for the rest, so
// the national RegSO table does not slow the first render.
function dataTable(caption, cols, rows, opts = {}) {
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
    h('button', {type: 'button', class: 'secondary', onclick: () => {
      const full = dataTable(caption, cols, all, {...opts, limit: 0});
      box.replaceWith(full);
      full.focus();
    }, text: t('showAll')}));
  const box = h('div', {}, wrap, more);
  return box;
}
// Cell status from the API: published, primary (too few persons),
// secondary (protected to protect other values), or suppressed (a database
// that does not tell the two apart).
const isSup = (r) => r != null && r.status != null && r.status !== 'published';
const supLabel = (status) => t(status === 'primary' || status === 'secondary' ? status : 'suppressed');
const SUP = (status) => ({sup: status}); // an object: strings have a legacy .sup() method
// Population per area type: riket and län have a protected aggregate of
// their own (published as it is); a kommun's is the sum of its published
// RegSO ('partial' when some were suppressed: a lower bound, and says so).
const popCell = (r) => (r.population_status === 'primary' || r.population_status === 'secondary' ? SUP(r.population_status)
  : r.population == null ? ''
    : r.population_status === 'partial' ? `${t('atLeast')} ${fmt(r.population, 'count')} (${r.regso_suppressed} ${t('regsoSuppressed')})`
      : fmt(r.population, 'count'));
const cellValue = (r, unit) => (isSup(r) ? SUP(r.status) : fmt(r.value, unit));
const typeLabel = (a) => t(String(a) === '1-2' ? 'type12' : `type${a}`);
const flagText = (f) => String(f || '').split(';').filter(Boolean).map((x) => T[lang][`flag_${x}`] ?? x).join(' ');

// ------------------------------------------------------------------ map view
async function viewMap(params) {
  chrome('karta');
  const m = await meta();
  const main = $('#main');
  const inds = m.indicators;
  const st = {
    level: params.get('level') || 'kommun',
    ind: params.get('ind') || (m.typeYears.length ? 'area_type' : inds[0]?.id || 'area_type'),
    year: params.get('year'), sex: params.get('sex') || 'total', age: params.get('age') || '',
    born: params.get('born') || 'total', view: params.get('view') || 'map', police: params.get('police') === '1',
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
  const update = (patch) => go(['karta'], Object.fromEntries(Object.entries({...st, ...patch}).filter(([k, v]) => v && !(k === 'police' && !v)).map(([k, v]) => [k, v === true ? '1' : v])));

  const varOpts = [...(m.typeYears.length ? [['area_type', t('areaType')]] : []), ...inds.map((i) => [i.id, indLabel(i)])];
  const controls = h('form', {class: 'controls', 'aria-label': t('map'), onsubmit: (e) => e.preventDefault()},
    select(t('variable'), 'ind', varOpts, st.ind, (v) => update({ind: v})),
    select(t('level'), 'level', (isType ? ['regso'] : levels).map((l) => [l, t(l)]), st.level, (v) => update({level: v})),
    select(t('year'), 'year', years.map((y) => [y, y]), st.year, (v) => update({year: v})),
    !isType && ind?.kind !== 'value' && select(t('sex'), 'sex', ['total', 'man', 'woman'].map((x) => [x, t(x)]), st.sex, (v) => update({sex: v})),
    !isType && ind?.kind !== 'value' && select(t('age'), 'age', (ind?.ages.length ? ind.ages : ['total']).map((x) => [x, x === 'total' ? t('total') : x]), st.age, (v) => update({age: v})),
    !isType && ind?.kind !== 'value' && select(t('born'), 'born', ['total', 'sweden', 'abroad'].map((x) => [x, t(x)]), st.born, (v) => update({born: v})),
    h('fieldset', {class: 'views'}, h('legend', {text: t('view')}),
      ...[['map', t('viewMap')], ['line', t('viewLine')], ['table', t('viewTable')]].map(([v, l]) =>
        h('button', {type: 'button', class: st.view === v ? null : 'secondary', 'aria-pressed': String(st.view === v), onclick: () => update({view: v}), text: l}))),
    h('label', {class: 'check', for: 'f-police'}, h('input', {type: 'checkbox', id: 'f-police', checked: st.police ? true : null,
      onchange: (e) => update({police: e.target.checked})}), t('police')),
    searchBox((hit) => update({sel: hit.code, level: isType || hit.level === 'lan' || !levels.includes(hit.level) ? st.level : hit.level})));
  const h1 = h('h1', {text: isType ? `${t('areaType')} ${st.year}` : `${ind ? indLabel(ind) : ''} ${st.year}`});
  main.replaceChildren(h1, controls, h('p', {class: 'note', text: t('loading')}));

  // data
  let rows = [];
  let unit = ind?.unit;
  const dlParams = isType ? {year: st.year} : {indicator: st.ind, level: st.level, year: st.year, sex: st.sex, age: st.age, born: st.born};
  const dlPath = isType ? 'types' : 'values';
  try {
    if (isType) {
      const r = rowsToObjects(await api('types', {year: st.year}));
      rows = r.map((x) => ({code: x.code, name: x.name, value: x.area_type, cls: x.area_type ? x.area_type - 1 : null, sei: x.sei}));
    } else if (st.ind) {
      rows = rowsToObjects(await api('values', dlParams));
    }
  } catch (e) {
    main.replaceChildren(h1, controls, h('p', {class: 'error', text: `${t('apiError')}: ${e.message}`}));
    return;
  }
  const br = isType ? [] : breaks(rows.filter((r) => !isSup(r)).map((r) => r.value));
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const classFor = (r) => (r == null ? 'na' : isSup(r) ? (r.status === 'secondary' ? 'sup2' : 'sup') : isType ? (r.cls ?? 'na') : r.value == null ? 'na' : classOf(r.value, br));
  const colours = isType ? DIV : SEQ;
  // one hidden set of pattern definitions per view, used by map and legend
  const defs = s('svg', {width: 0, height: 0, 'aria-hidden': 'true', focusable: 'false', style: 'position:absolute'}, patternDefs('p', colours));

  // legend
  const legendItems = isType
    ? [1, 2, 3, 4, 5].map((k) => [`url(#p${k - 1})`, t(`type${k}`)])
    : rows.some((r) => r.value != null) ? [...Array(br.length + 1).keys()].map((k) => {
      const lo = k === 0 ? Math.min(...rows.filter((r) => r.value != null).map((r) => r.value)) : br[k - 1];
      const hi = k === br.length ? Math.max(...rows.filter((r) => r.value != null).map((r) => r.value)) : br[k];
      return [`url(#p${k})`, `${fmt(lo, unit)} – ${fmt(hi, unit)}${unit === '%' ? ' %' : unit && unit !== 'index' ? ' ' + unit : ''}`];
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
    h('div', {id: 'profile'}, h('p', {class: 'note', text: t('chooseArea')})), legend);
  const showProfile = (code) => {
    const r = byCode.get(code);
    const prof = $('#profile');
    if (!prof) return;
    api('area', {code}).then((a) => {
      const v = r ? (isSup(r) ? supLabel(r.status) : isType ? t(`type${r.value}`) : fmt(r.value, unit)) : t('noData');
      prof.replaceChildren(...[h('p', {}, h('strong', {text: a.label || a.name})),
        h('p', {}, `${isType ? t('areaType') : indLabel(ind)}: ${v}`),
        a.kommun_name && a.level !== 'kommun' ? h('p', {}, `${t('kommun')}: `, h('a', {href: `#/omrade/${a.kommun}`, text: a.kommun_name})) : null,
        h('p', {}, h('a', {href: `#/omrade/${code}`, text: `${t('openPage')} ${a.name}`}))].filter(Boolean));
      announce(`${a.label || a.name}: ${v}`);
    }).catch(() => {});
    document.querySelectorAll('path.area.sel').forEach((p) => p.classList.remove('sel'));
    document.querySelectorAll(`path.area[data-code="${code}"]`).forEach((p) => p.classList.add('sel'));
  };

  const table = dataTable(`${t('tableAlt')}: ${h1.textContent}`, [
    {label: t('name'), get: (r) => h('button', {type: 'button', class: 'linkish', style: 'background:none;border:0;color:#0b5394;text-decoration:underline;padding:0', onclick: () => showProfile(r.code), text: r.name})},
    {label: t('code'), get: (r) => r.code},
    {label: isType ? t('areaType') : t('value'), num: !isType, get: (r) => (isType ? (r.value ? t(`type${r.value}`) : t('noData')) : cellValue(r, unit))},
    ...(isType ? [{label: t('sei'), num: true, get: (r) => fmt(r.sei)}] : [
      {label: t('numerator'), num: true, get: (r) => (isSup(r) ? SUP(r.status) : fmt(r.numerator, 'count'))},
      {label: t('denominator'), num: true, get: (r) => (isSup(r) ? SUP(r.status) : fmt(r.denominator, 'count'))}]),
  ], rows, {id: 'datatable', limit: 300});
  const tableSection = h('section', {'aria-label': t('tableAlt')}, downloads(dlPath, dlParams, h1.textContent), table);

  let body;
  if (st.view === 'table') {
    body = h('div', {class: 'layout'}, h('div', {}, defs, tableSection), panel);
  } else if (st.view === 'line') {
    body = h('div', {class: 'layout'}, h('div', {}, defs, await lineChart(st, ind, unit)), panel);
  } else {
    const mapbox = h('div', {class: 'mapbox'});
    // The län/kommun maps are up to 290 tab stops: let keyboard users jump
    // past them (a button, as links would change the hash route).
    const skipMap = h('button', {type: 'button', class: 'skip', text: t('skipMap'),
      onclick: () => document.getElementById('datatable')?.focus()});
    body = h('div', {class: 'layout'}, h('div', {}, defs, st.level !== 'regso' ? skipMap : null, mapbox,
      st.level === 'regso' && regsoSchematic() ? h('p', {class: 'schematic', text: t('schematic')}) : null, tableSection), panel);
    await drawMap(mapbox, {level: st.level, defs, classFor, byCode, isType, unit, ind, police: st.police, onPick: showProfile,
      label: `${t('mapOf')}: ${h1.textContent}. ${t('tableAlt')}.`});
  }
  main.replaceChildren(h1, controls, body);
  announce(`${h1.textContent}: ${rows.length} ${t('areasWord')}`);
  if (st.sel) showProfile(st.sel);
}

async function drawMap(box, o) {
  const topo = await layer(o.level === 'lan' ? 'lan' : o.level === 'kommun' ? 'kommun' : 'regso');
  const fc = feature(topo, topo.objects[Object.keys(topo.objects)[0]]);
  const W = 600, H = 1000;
  // Transverse Mercator on 15°E: the projection of SWEREF 99 TM (EPSG:3006).
  const proj = geoTransverseMercator().rotate([-15, 0]).fitSize([W, H], fc);
  const path = geoPath(proj);
  // Län and kommun areas are keyboard targets (Tab, then Enter or Space opens
  // the profile); the 3,363 RegSO are not (too many tab stops): the table and
  // the search are their keyboard route.  A focus ring path drawn on top
  // keeps the focused border visible over its neighbours.
  const focusable = o.level !== 'regso';
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, role: focusable ? 'group' : 'img', 'aria-label': o.label});
  const g = s('g');
  const ring = s('path', {class: 'focusring', d: 'M0,0'});
  const tip = h('div', {class: 'tooltip', hidden: true});
  for (const f of fc.features) {
    const r = o.byCode.get(f.properties.code);
    const cls = o.classFor(r);
    const v = r ? (isSup(r) ? supLabel(r.status) : o.isType ? t(`type${r.value}`) : fmt(r.value, o.unit)) : t('noData');
    const p = s('path', {d: path(f), class: 'area', fill: `url(#p${cls})`, 'data-code': f.properties.code,
      ...(focusable ? {tabindex: 0, role: 'button', 'aria-label': `${f.properties.name}: ${v}`} : {})});
    if (focusable) {
      p.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); o.onPick(f.properties.code); }
      });
      p.addEventListener('focus', () => { ring.setAttribute('d', p.getAttribute('d')); ring.classList.add('on'); });
      p.addEventListener('blur', () => { ring.classList.remove('on'); });
    }
    p.addEventListener('mousemove', (e) => {
      const rect = box.getBoundingClientRect();
      tip.textContent = `${f.properties.name}: ${v}`;
      tip.hidden = false;
      tip.style.left = `${e.clientX - rect.left + 12}px`;
      tip.style.top = `${e.clientY - rect.top + 12}px`;
    });
    p.addEventListener('mouseleave', () => { tip.hidden = true; });
    p.addEventListener('click', () => o.onPick(f.properties.code));
    g.append(p);
  }
  svg.append(g);
  if (o.level === 'regso') {
    const k = await layer('kommun');
    svg.append(s('path', {class: 'outline', d: path(mesh(k, k.objects.kommun, (a, b) => a !== b))}));
  }
  if (o.police) {
    const pol = await layer('police');
    const pf = feature(pol, pol.objects.police);
    const pg = s('g');
    for (const f of pf.features) {
      const p = s('path', {class: 'police', d: path(f)}, s('title', {}, `${f.properties.name} (${f.properties.ort}): ${f.properties.category}`));
      pg.append(p);
    }
    svg.append(pg);
  }
  if (focusable) svg.append(ring);
  box.replaceChildren(svg, tip);
}

async function lineChart(st, ind, unit) {
  if (!ind) return h('p', {text: t('noValues')});
  const codes = ['00', st.sel].filter(Boolean).join(',');
  const params = {indicator: st.ind, code: codes, sex: st.sex, age: st.age, born: st.born};
  const rows = rowsToObjects(await api('series', params));
  const series = new Map();
  for (const r of rows) { if (!series.has(r.code)) series.set(r.code, {name: r.name, pts: []}); series.get(r.code).pts.push(r); }
  const W = 640, H = 320, L = 60, B = 40, R = 20, TOP = 20;
  const ys = rows.filter((r) => r.value != null).map((r) => r.value);
  const xs = rows.map((r) => r.year);
  if (!ys.length) return h('p', {text: t('noValues')});
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(0, ...ys), y1 = Math.max(...ys) * 1.05 || 1;
  const X = (x) => L + (x1 === x0 ? (W - L - R) / 2 : ((x - x0) / (x1 - x0)) * (W - L - R));
  const Y = (y) => H - B - ((y - y0) / (y1 - y0)) * (H - B - TOP);
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${t('lineFor')}: ${indLabel(ind)}`});
  const axis = s('g', {class: 'axis'}, s('line', {x1: L, x2: W - R, y1: H - B, y2: H - B}), s('line', {x1: L, x2: L, y1: TOP, y2: H - B}));
  for (let k = 0; k <= 4; k++) { const v = y0 + ((y1 - y0) * k) / 4; axis.append(s('text', {x: L - 6, y: Y(v) + 4, 'text-anchor': 'end'}, fmt(v, unit))); }
  for (let y = x0; y <= x1; y++) axis.append(s('text', {x: X(y), y: H - B + 16, 'text-anchor': 'middle'}, String(y)));
  svg.append(axis);
  const dashes = ['', '6 3', '2 2'];
  [...series.values()].forEach((ser, i) => {
    const pts = ser.pts.filter((p) => p.value != null);
    svg.append(s('path', {d: pts.map((p, k) => `${k ? 'L' : 'M'}${X(p.year)},${Y(p.value)}`).join(''), fill: 'none', stroke: i ? '#b2182b' : '#0b3d6e', 'stroke-width': 2.5, 'stroke-dasharray': dashes[i % 3]}));
    for (const p of pts) svg.append(s(i ? 'rect' : 'circle', i ? {x: X(p.year) - 4, y: Y(p.value) - 4, width: 8, height: 8, fill: '#b2182b'} : {cx: X(p.year), cy: Y(p.value), r: 4, fill: '#0b3d6e'}));
    const last = pts[pts.length - 1];
    if (last) svg.append(s('text', {x: X(last.year) - 4, y: Y(last.value) - 8, 'text-anchor': 'end'}, ser.name));
  });
  const tbl = dataTable(`${t('lineFor')}: ${indLabel(ind)}`, [
    {label: t('name'), get: (r) => r.name}, {label: t('year'), get: (r) => r.year},
    {label: t('value'), num: true, get: (r) => cellValue(r, unit)}], rows);
  return h('div', {}, h('h2', {text: `${t('lineFor')}: ${indLabel(ind)}`}), svg, downloads('series', params, t('lineFor')), tbl);
}

// Search: a labelled input and a list of result buttons (simple, accessible).
function searchBox(onPick) {
  const list = h('ul', {class: 'results', id: 'search-results', 'aria-label': t('search')});
  let timer = null;
  const input = h('input', {type: 'search', id: 'f-search', autocomplete: 'off', 'aria-controls': 'search-results',
    oninput: (e) => {
      clearTimeout(timer);
      const q = e.target.value.trim();
      if (!q) { list.replaceChildren(); return; }
      timer = setTimeout(async () => {
        try {
          const r = rowsToObjects(await api('search', {q, limit: 12}));
          list.replaceChildren(...r.map((x) => h('li', {}, h('button', {type: 'button', onclick: () => onPick(x),
            text: `${x.label} (${t(x.level)})`}))));
          announce(`${r.length}`);
        } catch { list.replaceChildren(); }
      }, 150);
    }});
  return h('div', {}, h('label', {for: 'f-search'}, t('search'), input), list);
}

// ------------------------------------------------------------------ area page
async function viewArea(code) {
  chrome('');
  const main = $('#main');
  let a;
  try { a = await api('area', {code}); } catch (e) { main.replaceChildren(h('h1', {text: t('notFound')}), h('p', {class: 'error', text: e.message})); return; }
  const m = await meta();
  const h1 = h('h1', {text: `${a.label || a.name}${a.level === 'lan' || a.level === 'kommun' ? '' : ` (${t(a.level)})`}`});
  const parts = [h1];
  if (a.level !== 'lan' && a.lan_name) parts.push(h('p', {}, `${t('lan')}: `, h('a', {href: `#/omrade/${a.lan}`, text: a.lan_name}),
    a.level === 'regso' ? ' · ' : '', a.level === 'regso' ? h('a', {href: `#/omrade/${a.kommun}`, text: a.kommun_name}) : ''));
  if (a.level === 'kommun' || a.level === 'lan') {
    const year = m.typeYears[m.typeYears.length - 1];
    if (year) {
      const ts = rowsToObjects(await api('typesummary', {year, within: code}));
      const n = ts.reduce((x, r) => x + r.n_regso, 0);
      const n12 = ts.filter((r) => r.area_type <= 2).reduce((x, r) => x + r.n_regso, 0);
      parts.push(h('h2', {text: `${t('areaType')} ${year}`}),
        h('p', {}, `${t('share12')}: `, h('strong', {text: n ? `${fmt((100 * n12) / n)} % (${n12} ${t('of')} ${n})` : t('noData')})),
        downloads('typesummary', {year, within: code}, t('areaType')),
        dataTable(`${t('areaType')} ${year}: ${a.name}`, [
          {label: t('areaType'), get: (r) => t(`type${r.area_type}`)},
          {label: t('nRegso'), num: true, get: (r) => r.n_regso},
          {label: t('population'), num: true, get: popCell}], ts),
        h('p', {}, h('a', {href: `#/karta?ind=area_type&level=regso&year=${year}&sel=${code}`, text: `${t('mapOf')}: ${t('areaType')}`})));
    }
  }
  if (a.types.rows.length) {
    const tr = rowsToObjects(a.types);
    parts.push(h('h2', {text: t('typesOverTime')}), dataTable(t('typesOverTime'), [
      {label: t('year'), get: (r) => r.year}, {label: t('areaType'), get: (r) => (r.area_type ? t(`type${r.area_type}`) : '')},
      {label: t('sei'), num: true, get: (r) => fmt(r.sei)}], tr));
  }
  const ineq = rowsToObjects(a.inequality);
  if (ineq.length) {
    parts.push(h('h2', {text: t('inequality')}), ineqChart(ineq), h('p', {class: 'note', text: t('ineqNote')}),
      downloads('inequality', {code}, t('inequality')),
      dataTable(t('inequality'), [{label: t('year'), get: (r) => r.year}, {label: t('index'), get: (r) => r.index},
        {label: t('corrected'), num: true, get: (r) => fmt(r.corrected)}, {label: t('lower'), num: true, get: (r) => fmt(r.lower)},
        {label: t('upper'), num: true, get: (r) => fmt(r.upper)}, {label: t('plugin'), num: true, get: (r) => fmt(r.value)},
        {label: t('expected'), num: true, get: (r) => fmt(r.expected)}, {label: t('flag'), get: (r) => flagText(r.flag)}], ineq));
  }
  const inds = rowsToObjects(a.indicators);
  parts.push(h('h2', {text: t('indicators')}), inds.length ? dataTable(`${t('indicators')}: ${a.name}`, [
    {label: t('name'), get: (r) => h('a', {href: `#/karta?ind=${r.indicator}&level=${a.level === 'lan' ? 'lan' : a.level}&year=${r.year}&sel=${code}`, text: lang === 'sv' ? r.label_sv : r.label_en})},
    {label: t('year'), get: (r) => r.year}, {label: t('value'), num: true, get: (r) => cellValue(r, r.unit)},
    {label: t('unit'), get: (r) => r.unit}], inds) : h('p', {text: t('noValues')}));
  main.replaceChildren(...parts);
  announce(h1.textContent);
}

function ineqChart(rows) {
  const W = 560, H = 220, L = 50, B = 30, TOP = 14, R = 14;
  const xs = rows.map((r) => r.year), ys = rows.flatMap((r) => [r.lower, r.upper, r.value, r.corrected, r.expected]).filter((v) => v != null);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y1 = Math.max(...ys) * 1.1 || 1;
  const X = (x) => L + (x1 === x0 ? (W - L - R) / 2 : ((x - x0) / (x1 - x0)) * (W - L - R));
  const Y = (y) => H - B - (y / y1) * (H - B - TOP);
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('inequality')},
    s('line', {x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: '#555'}), s('line', {x1: L, x2: L, y1: TOP, y2: H - B, stroke: '#555'}));
  for (let k = 0; k <= 4; k++) svg.append(s('text', {x: L - 6, y: Y((y1 * k) / 4) + 4, 'text-anchor': 'end'}, fmt((y1 * k) / 4)));
  for (const r of rows) {
    svg.append(s('text', {x: X(r.year), y: H - B + 16, 'text-anchor': 'middle'}, String(r.year)));
    if (r.lower != null && r.upper != null) svg.append(s('line', {x1: X(r.year), x2: X(r.year), y1: Y(r.lower), y2: Y(r.upper), stroke: '#0b3d6e', 'stroke-width': 2}));
    // filled: the corrected value the interval surrounds; ring: the
    // uncorrected (plug-in) value; dash: the value under random allocation
    if (r.expected != null) svg.append(s('line', {x1: X(r.year) - 7, x2: X(r.year) + 7, y1: Y(r.expected), y2: Y(r.expected), stroke: '#b2182b', 'stroke-width': 2}));
    if (r.corrected != null) svg.append(s('circle', {cx: X(r.year), cy: Y(r.corrected), r: 4, fill: '#0b3d6e'}));
    if (r.value != null) svg.append(s('circle', {cx: X(r.year), cy: Y(r.value), r: 4, fill: 'none', stroke: '#0b3d6e', 'stroke-width': 1.5}));
  }
  return svg;
}

// ------------------------------------------------------------ area-type view
async function viewTypes(params) {
  chrome('typer');
  const m = await meta();
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
  const typeYear = m.typeYears.includes(Number(st.year)) ? st.year : m.typeYears[m.typeYears.length - 1];
  if (typeYear) {
    const ts = rowsToObjects(await api('typesummary', {year: typeYear, within: st.within}));
    parts.push(h('h2', {text: `${t('nRegso')} ${typeYear}`}), downloads('typesummary', {year: typeYear, within: st.within}, t('nRegso')),
      dataTable(`${t('nRegso')} ${typeYear}`, [{label: t('areaType'), get: (r) => t(`type${r.area_type}`)},
        {label: t('nRegso'), num: true, get: (r) => r.n_regso},
        {label: t('population'), num: true, get: popCell}], ts));
  }
  if (ind) {
    const params2 = {indicator: st.ind, year: st.year, sex: st.sex, age: st.age, born: st.born, within: st.within};
    const rows = rowsToObjects(await api('bytype', params2));
    parts.push(h('h2', {text: `${indLabel(ind)} ${st.year}`}), barChart(rows, ind), downloads('bytype', params2, indLabel(ind)),
      dataTable(`${indLabel(ind)} ${st.year}`, [{label: t('areaType'), get: (r) => typeLabel(r.area_type)},
        {label: t('nRegso'), num: true, get: (r) => r.n_regso}, {label: t('value'), num: true, get: (r) => cellValue(r, ind.unit)},
        {label: t('typeYear'), get: (r) => r.type_year}], rows));
  } else {
    parts.push(h('p', {text: t('noValues')}));
  }
  main.replaceChildren(...parts);
  announce(h1.textContent);
}

function barChart(rows, ind) {
  const W = 640, rowH = 34, L = 300, R = 80;
  const max = Math.max(...rows.map((r) => r.value ?? 0), 0) || 1;
  const defs = patternDefs('b', DIV);
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${W} ${rows.length * rowH + 10}`, role: 'img', 'aria-label': indLabel(ind)}, defs);
  rows.forEach((r, i) => {
    const y = 5 + i * rowH;
    svg.append(s('text', {x: L - 8, y: y + 20, 'text-anchor': 'end'}, typeLabel(r.area_type)));
    if (r.value != null && !isSup(r)) {
      const w = ((W - L - R) * r.value) / max;
      const k = String(r.area_type) === '1-2' ? 0 : Number(r.area_type) - 1;
      svg.append(s('rect', {x: L, y: y + 4, width: Math.max(w, 1), height: rowH - 10, fill: `url(#b${k})`, stroke: '#333'}),
        s('text', {x: L + w + 6, y: y + 20}, fmt(r.value, ind.unit)));
    } else svg.append(s('text', {x: L + 6, y: y + 20}, isSup(r) ? supLabel(r.status) : t('noData')));
  });
  return svg;
}

// ------------------------------------------------------ accessibility page
async function viewA11y() {
  chrome('tillganglighet');
  const m = await meta().catch(() => null);
  const sv = lang === 'sv';
  const main = $('#main');
  main.replaceChildren(
    h('h1', {text: sv ? 'Tillgänglighetsredogörelse' : 'Accessibility statement'}),
    h('p', {text: sv
      ? 'Områdesbarometern ska kunna användas av alla. Webbplatsen är utformad för att uppfylla WCAG 2.1 nivå AA och testas automatiskt med axe-core (noll avvikelser krävs) och med tangentbordsnavigering i en webbläsare utan grafiskt gränssnitt.'
      : 'The area barometer aims to be usable by everyone. It is designed to meet WCAG 2.1 level AA and is tested automatically with axe-core (zero violations required) and keyboard navigation in a headless browser.'}),
    h('h2', {text: sv ? 'Så är webbplatsen byggd' : 'How the site is built'}),
    h('ul', {}, ...(sv ? [
      'Varje karta har en tabell med samma uppgifter, med nedladdning som CSV och Excel.',
      'Kartans teckenförklaring använder både färg och mönster samt text, så att den inte bara bygger på färg.',
      'Allt kan användas med tangentbord; en länk “Hoppa till innehållet” finns först på sidan.',
      'Skyddade uppgifter visas med text, inte bara med en tom cell, och texten säger varför: för få personer, eller skyddad för att skydda andra värden.',
      'Sidan finns på svenska och engelska.',
    ] : [
      'Every map has a table with the same data, downloadable as CSV and Excel.',
      'The map legend uses colour and pattern plus text, so it does not rely on colour alone.',
      'Everything works with the keyboard; a “Skip to content” link comes first.',
      'Suppressed data is shown with text, not just an empty cell, and the text says why: too few persons, or protected to protect other values.',
      'The site is available in Swedish and English.',
    ]).map((x) => h('li', {text: x}))),
    h('h2', {text: sv ? 'Kända brister' : 'Known limitations'}),
    h('ul', {}, ...(sv ? [
      'Län och kommuner i kartan nås med Tab och öppnas med Enter eller mellanslag. De 3 363 RegSO-områdena går inte att välja i kartan med tangentbordet (för många tabbstopp); använd tabellen under kartan eller sökningen i stället.',
      'RegSO visas som schematiska celler, inte som verkliga gränser, om inte SCB:s gränser har lästs in.',
    ] : [
      'Counties and municipalities in the map are reached with Tab and opened with Enter or Space. The 3,363 RegSO areas cannot be selected in the map with the keyboard (too many tab stops); use the table below the map or the search instead.',
      'RegSO are drawn as schematic cells, not real boundaries, unless SCB\'s boundaries were loaded.',
    ]).map((x) => h('li', {text: x}))),
    m ? h('h2', {text: t('provenance')}) : null,
    m ? h('dl', {}, ...Object.entries(m.meta).flatMap(([k, v]) => [h('dt', {text: k}), h('dd', {text: v})])) : null,
  );
}

// ------------------------------------------------------------------ router
async function render() {
  const {parts, params} = route();
  await meta().catch(() => null); // for the provenance banner in chrome()
  try {
    if (parts[0] === 'omrade' && parts[1]) await viewArea(parts[1]);
    else if (parts[0] === 'typer') await viewTypes(params);
    else if (parts[0] === 'tillganglighet') await viewA11y();
    else await viewMap(params);
  } catch (e) {
    $('#main').replaceChildren(h('p', {class: 'error', text: `${t('apiError')}: ${e.message}`}));
  }
  document.body.dataset.ready = '1';
}
let lastPath = null;
window.addEventListener('hashchange', () => {
  const p = route().parts.join('/');
  document.body.dataset.ready = '';
  render().then(() => { if (p !== lastPath) $('#main').focus(); lastPath = p; });
});
$('#lang').addEventListener('click', () => {
  lang = lang === 'sv' ? 'en' : 'sv';
  localStorage.setItem('omrade-lang', lang);
  cache.clear();
  META = null;
  render();
});
lastPath = route().parts.join('/');
render();
