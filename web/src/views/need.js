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
import {$, h, announce} from '../dom.js';
import {t} from '../i18n.js';
import {api, apiUrl, rowsToObjects, meta} from '../api.js';
import {num, dataset, downloads, isSup, supLabel} from '../tables.js';
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
  const update = (patch) => go(['behov'], {code, year, ...patch});
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
  parts.push(h('p', {class: 'note', text: t('needAbout')}),
    h('p', {}, h('a', {href: apiUrl('need', {level: 'kommun', year, format: 'csv'}), download: '', text: `${t('download')}: ${t('needView')}, ${t('kommun')} ${year} (CSV)`})));
  main.replaceChildren(...parts);
  announce(h1.textContent);
}
