// #/behov: the need indices of one kommun side by side (issue 16, item 5):
//   1. each index with its value and its rank among the kommuner (1 = the
//      highest value = the most need; the rank comes from the server);
//   2. every pair of indices with the kommun's two ranks and their
//      difference, largest first: where the indices disagree about it.
// Data: /api/need (docs/barometer.md), loaded by `omrade build --need`.
// The z-scores of the child SEI rank the kommuner as the SEI itself does
// (a z-score is a monotone transform), and a key's group follows its key,
// so only the indices themselves are ranked; the group is shown beside the key.
// A value the build suppressed (status primary or secondary: too few persons
// behind it, or it would give another suppressed value back; docs/need.md,
// "Publication") is shown as such, has no rank and is left out of the pairs.
import {$, h, s, announce} from '../dom.js';
import {t} from '../i18n.js';
import {api, apiUrl, rowsToObjects, meta} from '../api.js';
import {num, dataset, downloads, isSup, supLabel, dataTable, SUP} from '../tables.js';
import {drawMap} from '../map.js';
import {patternDefs, swatch} from '../charts.js';
import {DIV} from '../scales.js';
import {chrome, select, go} from './common.js';

export const NEED_INDICES = ['sei_0_5', 'sei_6_17', 'key2011', 'key2013', 'key', 'cni'];
const GROUP = {key2011: 'group2011', key2013: 'group2013', key: 'group'};

// Pairs of the kommun's indices with their rank difference, largest
// disagreement first (pure; rows: {index, rank}).
export function rankPairs(rows) {
  rows = rows.filter((r) => r.rank != null);
  const out = [];
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) out.push({a: rows[i], b: rows[j], diff: rows[j].rank - rows[i].rank});
  }
  return out.sort((x, y) => Math.abs(y.diff) - Math.abs(x.diff));
}

// The disagreement map's five classes of the rank difference d = rank by B
// minus rank by A over n kommuner: d <= -q1, -q1 < d <= -q2, |d| < q2,
// q2 <= d < q1, d >= q1, with q1 = a quarter and q2 = a tenth of n (at
// least 1 and 2): "B places the kommun much / somewhat higher (more need),
// about the same, somewhat / much lower" (pure).
export function diffClasses(n) {
  const q2 = Math.max(1, Math.round(n / 10)), q1 = Math.max(q2 + 1, Math.round(n / 4));
  return {q1, q2, classOf: (d) => (d <= -q1 ? 0 : d <= -q2 ? 1 : d < q2 ? 2 : d < q1 ? 3 : 4)};
}

const valueCell = (r, unit) => h('td', {class: 'num'}, isSup(r) ? h('span', {class: 'suppressed', text: supLabel(r.status)}) : num(r.value, unit));
const wrap = (caption, table, id) => h('div', {class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': caption, id}, table);

export async function viewNeed(params) {
  const m = await meta();
  chrome('behov', m);
  const main = $('#main');
  let all = [];
  try {
    all = rowsToObjects(await api('need', {level: 'kommun'}));
  } catch (e) {
    if (e.status !== 404) throw e; // a server without /api/need
  }
  if (!all.length) {
    const h1 = h('h1', {text: t('needView')});
    main.replaceChildren(h1, h('p', {id: 'need-none', text: t('needNone')}));
    announce(h1.textContent);
    return;
  }
  const years = [...new Set(all.map((r) => r.year))].sort();
  const year = years.includes(Number(params.get('year'))) ? Number(params.get('year')) : years[years.length - 1];
  const names = new Map();
  for (const r of all) if (r.year === year) names.set(r.code, r.name || r.code);
  const kommuner = [...names].sort((x, y) => x[1].localeCompare(y[1], 'sv'));
  const code = names.has(params.get('code')) ? params.get('code') : kommuner[0][0];
  const name = names.get(code);
  const mine = all.filter((r) => r.code === code && r.year === year);
  const get = (idx) => mine.find((r) => r.index === idx);
  const rows = NEED_INDICES.map(get).filter(Boolean);
  const keep = Object.fromEntries(['a', 'b'].map((k) => [k, params.get(k)]).filter(([, v]) => v));
  const update = (patch) => go(['behov'], {code, year, ...keep, ...patch});
  const h1 = h('h1', {text: `${t('needView')}: ${name} ${year}`});
  const controls = h('form', {class: 'controls', 'aria-label': t('needView'), onsubmit: (e) => e.preventDefault()},
    select(t('needKommun'), 'code', kommuner, code, (v) => update({code: v})),
    years.length > 1 ? select(t('year'), 'year', years.map((y) => [y, String(y)]), year, (v) => update({year: v})) : null);

  const cap = `${t('needIndices')} ${name} ${year}`;
  const hasGroup = rows.some((r) => get(GROUP[r.index]));
  const table = h('table', {id: 'needtable'},
    h('caption', {text: cap}),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col', text: t('index')}), h('th', {scope: 'col', class: 'num', text: t('value')}),
      h('th', {scope: 'col', class: 'num', text: t('needRank')}), hasGroup ? h('th', {scope: 'col', class: 'num', text: t('needGroup')}) : null)),
    h('tbody', {}, rows.map((r) => h('tr', {'data-index': r.index}, h('th', {scope: 'row', text: t(`need_${r.index}`)}),
      valueCell(r, 'index'),
      h('td', {class: 'num', text: isSup(r) ? '' : `${r.rank} ${t('needRankOf')} ${r.units}`}),
      hasGroup ? (get(GROUP[r.index]) ? valueCell(get(GROUP[r.index]), 'count') : h('td', {class: 'num'})) : null))));
  const ds = dataset({title: cap, fixed: [{id: 'year', label: t('year'), code: String(year), text: String(year)}],
    dims: [{id: 'index', label: t('index'), withCode: true, key: (r) => ({code: r.index, text: t(`need_${r.index}`)})}],
    measures: [{id: 'value', label: t('value'), unit: 'index', get: (r) => r.value},
      {id: 'rank', label: t('needRank'), unit: 'count', get: (r) => r.rank},
      {id: 'units', label: t('kommun'), unit: 'count', get: (r) => r.units}],
    status: (r) => r.status || 'published', rows});
  const parts = [h1, controls, h('p', {class: 'note', text: t('needNote')}), wrap(cap, table),
    rows.some(isSup) ? h('p', {class: 'note', id: 'need-sup', text: t('needSup')}) : null,
    downloads(ds, 'need', {code, year})];

  const pairs = rankPairs(rows);
  parts.push(h('h2', {text: t('needCompare')}), h('p', {class: 'note', text: t('needCompareNote')}));
  if (pairs.length) {
    const cap2 = `${t('needCompareCap')} ${name} ${year}`;
    const sign = (d) => (d > 0 ? `+${d}` : d < 0 ? `\u2212${-d}` : '0');
    parts.push(wrap(cap2, h('table', {id: 'needpairs'},
      h('caption', {text: cap2}),
      h('thead', {}, h('tr', {}, [t('needA'), t('needB')].map((x) => h('th', {scope: 'col', text: x})),
        [t('needRankA'), t('needRankB'), t('needDiff')].map((x) => h('th', {scope: 'col', class: 'num', text: x})))),
      h('tbody', {}, pairs.map((p) => h('tr', {}, h('th', {scope: 'row', text: t(`need_${p.a.index}`)}),
        h('td', {text: t(`need_${p.b.index}`)}), h('td', {class: 'num', text: String(p.a.rank)}),
        h('td', {class: 'num', text: String(p.b.rank)}), h('td', {class: 'num', text: sign(p.diff)})))))));
  } else {
    parts.push(h('p', {text: rows.length ? t('needSame') : t('needNoKommun')}));
  }
  parts.push(...await disagreementMap(all, year, params, update));
  parts.push(h('p', {class: 'note', text: t('needAbout')}),
    h('p', {}, h('a', {href: apiUrl('need', {level: 'kommun', year, format: 'csv'}), download: '', text: `${t('download')}: ${t('needView')}, ${t('kommun')} ${year} (CSV)`})));
  main.replaceChildren(...parts);
  announce(h1.textContent);
}

// Map of where two indices disagree (issue 16, item 3): every kommun
// coloured by its rank by B minus its rank by A (as in the pairs table),
// with the same data as a table; a kommun whose value of either index is
// suppressed is shown as suppressed, one without both as no data.
async function disagreementMap(all, year, params, update) {
  const inYear = all.filter((r) => r.year === year);
  const present = NEED_INDICES.filter((ix) => inYear.some((r) => r.index === ix));
  if (present.length < 2) return [];
  const a = present.includes(params.get('a')) ? params.get('a') : present[0];
  const b = present.includes(params.get('b')) && params.get('b') !== a ? params.get('b') : present.find((x) => x !== a);
  const by = (ix) => new Map(inYear.filter((r) => r.index === ix).map((r) => [r.code, r]));
  const A = by(a), B = by(b);
  const rows = [];
  for (const c of new Set([...A.keys(), ...B.keys()])) {
    const ra = A.get(c), rb = B.get(c);
    if (!ra || !rb) continue;
    const sup = isSup(ra) ? ra : isSup(rb) ? rb : null;
    rows.push({code: c, name: ra.name || rb.name || c, rank_a: ra.rank, rank_b: rb.rank,
      diff: sup ? null : rb.rank - ra.rank, status: sup ? sup.status : 'published'});
  }
  rows.sort((x, y) => Math.abs(y.diff ?? -1) - Math.abs(x.diff ?? -1) || x.name.localeCompare(y.name, 'sv'));
  const n = rows.filter((r) => r.diff != null).length;
  const {q1, q2, classOf} = diffClasses(n);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const classFor = (r) => (r == null ? 'na' : isSup(r) ? (r.status === 'secondary' ? 'sup2' : 'sup') : r.diff == null ? 'na' : classOf(r.diff));
  const sign = (d) => (d > 0 ? `+${d}` : d < 0 ? `\u2212${-d}` : '0');
  const valueText = (r) => (r ? (isSup(r) ? supLabel(r.status) : `${t('needDiff')}: ${sign(r.diff)}`) : t('noData'));
  const title = `${t('needMap')}: ${t(`need_${b}`)} \u2212 ${t(`need_${a}`)}, ${year}`;
  const opts = present.map((x) => [x, t(`need_${x}`)]);
  const controls = h('form', {class: 'controls', 'aria-label': t('needMap'), onsubmit: (e) => e.preventDefault()},
    select(t('needA'), 'a', opts, a, (v) => update({a: v, b})), select(t('needB'), 'b', opts.filter(([x]) => x !== a), b, (v) => update({a, b: v})));
  const defs = s('svg', {width: 0, height: 0, 'aria-hidden': 'true', focusable: 'false', style: 'position:absolute'}, patternDefs('p', DIV));
  const legendItems = [[0, `\u2264 \u2212${q1}`], [1, `\u2212${q1 - 1} \u2026 \u2212${q2}`], [2, `\u2212${q2 - 1} \u2026 +${q2 - 1}`],
    [3, `+${q2} \u2026 +${q1 - 1}`], [4, `\u2265 +${q1}`]].map(([k, l]) => [`url(#p${k})`, `${l}: ${t(`needMapClass${k}`)}`]);
  legendItems.push(['url(#psup)', t('primary')], ['url(#psup2)', t('secondary')], ['url(#pna)', t('noData')]);
  const legend = h('div', {}, h('h3', {text: t('legend')}),
    h('ul', {class: 'legend', id: 'needmap-legend'}, legendItems.map(([fill, label]) => h('li', {}, swatch(fill), label))));
  const table = dataTable(`${t('tableAlt')}: ${title}`, [
    {label: t('kommun'), get: (r) => r.name}, {label: t('needRankA'), num: true, get: (r) => (isSup(r) ? SUP(r.status) : String(r.rank_a))},
    {label: t('needRankB'), num: true, get: (r) => (isSup(r) ? SUP(r.status) : String(r.rank_b))},
    {label: t('needDiff'), num: true, get: (r) => (isSup(r) ? SUP(r.status) : sign(r.diff))}], rows, {id: 'needmaptable', limit: 300});
  const mapbox = h('div', {class: 'mapbox'});
  const skip = h('button', {type: 'button', class: 'skip', text: t('skipMap'), onclick: () => document.getElementById('needmaptable')?.focus()});
  const out = [h('h2', {id: 'needmap-h', text: t('needMap')}), h('p', {class: 'note', text: t('needMapNote')}), controls, defs, skip, mapbox, legend, table];
  try {
    await drawMap(mapbox, {level: 'kommun', classFor, byCode, valueText, onPick: (c) => update({code: c, a, b}),
      label: `${t('mapOf')}: ${title}. ${t('tableAlt')}.`, fit: null, id: 'needmap'});
  } catch (e) {
    mapbox.replaceChildren(h('p', {class: 'note', text: t('noMap')}));
  }
  return out;
}
