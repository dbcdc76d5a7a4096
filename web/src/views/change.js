// #/forandring: change over time (issue 15) for riket, a län or a kommun.
//   1. the transition matrix of RegSO between area types for a pair of
//      consecutive type years, as a table (rows: type in the first year,
//      columns: type in the second; cells shaded by count, the diagonal
//      marked) — the matrix is the accessible form of a Sankey diagram;
//   2. per year the RegSO by area type computed relative to the year (as
//      SCB) and anchored to a base year (not SCB's types).
// Data: /api/transitions and /api/anchored (docs/barometer.md).
import {$, h, announce} from '../dom.js';
import {t} from '../i18n.js';
import {api, apiUrl, rowsToObjects, meta} from '../api.js';
import {typeLabel, num} from '../tables.js';
import {chrome, select, go} from './common.js';

const TYPES = [1, 2, 3, 4, 5];

// Light blues only, so black text keeps a contrast above 4.5:1 (WCAG AA).
const shade = (n, max) => (n > 0 ? `hsl(205, 70%, ${Math.round(96 - 26 * (n / max))}%)` : null);

function matrixTable(caption, rows, y0, y1) {
  const cell = (f, g) => rows.find((r) => r.from_type === f && r.to_type === g)?.n_regso ?? 0;
  const max = Math.max(1, ...rows.map((r) => r.n_regso));
  const colSum = (g) => TYPES.reduce((s, f) => s + cell(f, g), 0);
  const rowSum = (f) => TYPES.reduce((s, g) => s + cell(f, g), 0);
  const table = h('table', {class: 'matrix'},
    h('caption', {text: caption}),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col', text: `${t('trRows')} ${y0} \u2193 / ${y1} \u2192`}),
      TYPES.map((g) => h('th', {scope: 'col', class: 'num', text: typeLabel(g)})),
      h('th', {scope: 'col', class: 'num', text: t('trTotal')}))),
    h('tbody', {}, TYPES.map((f) => h('tr', {}, h('th', {scope: 'row', text: typeLabel(f)}),
      TYPES.map((g) => {
        const n = cell(f, g);
        const style = [shade(n, max) ? `background:${shade(n, max)}` : '', f === g ? 'font-weight:700' : ''].filter(Boolean).join(';');
        return h('td', {class: 'num', style: style || null, text: num(n, 'count')});
      }),
      h('td', {class: 'num', text: num(rowSum(f), 'count')})))),
    h('tfoot', {}, h('tr', {}, h('th', {scope: 'row', text: t('trTotal')}),
      TYPES.map((g) => h('td', {class: 'num', text: num(colSum(g), 'count')})),
      h('td', {class: 'num', text: num(TYPES.reduce((s, f) => s + rowSum(f), 0), 'count')}))));
  return h('div', {class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': caption}, table);
}

function anchoredTable(caption, rows) {
  const years = [...new Set(rows.map((r) => r.year))];
  const get = (y, k) => rows.find((r) => r.year === y && r.area_type === k);
  const table = h('table', {},
    h('caption', {text: caption}),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col', text: t('year')}),
      TYPES.map((k) => h('th', {scope: 'col', class: 'num', text: `${typeLabel(k)} (${t('anRel')} / ${t('anAnch')})`})))),
    h('tbody', {}, years.map((y) => h('tr', {}, h('th', {scope: 'row', text: String(y)}),
      TYPES.map((k) => { const r = get(y, k); return h('td', {class: 'num', text: r ? `${num(r.n_relative, 'count')} / ${num(r.n_anchored, 'count')}` : ''}); })))));
  return h('div', {class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': caption}, table);
}

export async function viewChange(params) {
  const m = await meta();
  chrome('forandring', m);
  const main = $('#main');
  const within = params.get('within') || '00';
  const [lans, kommuner] = await Promise.all(['lan', 'kommun'].map((level) => api('areas', {level}).then(rowsToObjects)));
  const place = within === '00' ? t('wholeCountry') : ([...lans, ...kommuner].find((a) => a.code === within)?.name || within);
  const h1 = h('h1', {text: `${t('changeView')}: ${place}`});
  let tr = [], an = [];
  try {
    [tr, an] = await Promise.all([api('transitions', {code: within}).then(rowsToObjects), api('anchored', {within}).then(rowsToObjects)]);
  } catch (e) {
    if (e.status !== 404) throw e; // a database built before the change tables
  }
  const pairs = [...new Set(tr.map((r) => r.from_year))];
  const from = pairs.includes(Number(params.get('from'))) ? Number(params.get('from')) : pairs[pairs.length - 1];
  const update = (patch) => go(['forandring'], {within, from: from ?? '', ...patch});
  const controls = h('form', {class: 'controls', 'aria-label': t('changeView'), onsubmit: (e) => e.preventDefault()},
    select(t('within'), 'within', [['00', t('wholeCountry')], ...lans.map((l) => [l.code, `${l.name} (${t('lan')})`]),
      ...kommuner.map((k) => [k.code, k.name])], within, (v) => update({within: v, from: ''})),
    pairs.length > 1 ? select(t('trPair'), 'from', pairs.map((y) => [y, `${y}\u2013${tr.find((r) => r.from_year === y).to_year}`]), from, (v) => update({from: v})) : null);
  const parts = [h1, controls];
  if (from != null) {
    const rows = tr.filter((r) => r.from_year === from);
    const y1 = rows[0].to_year;
    const total = rows.reduce((s, r) => s + r.n_regso, 0);
    const changed = rows.reduce((s, r) => s + (r.from_type !== r.to_type ? r.n_regso : 0), 0);
    const title = `${t('trTitle')} ${from}\u2013${y1}, ${place}`;
    parts.push(h('h2', {text: title}),
      h('p', {id: 'tr-summary', text: `${num(changed, 'count')} ${t('trOf')} ${num(total, 'count')} ${t('trChanged')}.`}),
      matrixTable(title, rows, from, y1),
      h('p', {class: 'note', text: t('trNote')}),
      h('p', {}, h('a', {href: apiUrl('transitions', {code: within, from_year: from, format: 'csv'}), download: '', text: t('csvDownload')})));
  }
  if (an.length) {
    const title = `${t('anTitle')}, ${place} (${t('anBase')} ${an[0].anchor_year})`;
    parts.push(h('h2', {text: title}), h('p', {class: 'note', text: t('anNote')}),
      anchoredTable(`${title}. ${t('anCell')}`, an),
      h('p', {}, h('a', {href: apiUrl('anchored', {within, format: 'csv'}), download: '', text: t('csvDownload')})));
  }
  if (from == null && !an.length) parts.push(h('p', {text: t('noChange')}));
  main.replaceChildren(...parts);
  announce(h1.textContent);
}
