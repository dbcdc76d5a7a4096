// Page chrome (header, navigation, banner, footer) and form controls shared
// by the views.
import {$, h, announce, focusNext} from '../dom.js';
import {t, getLang} from '../i18n.js';
import {buildHash, NAV} from '../router.js';
import {allAreas} from '../api.js';
import {makeIndex, search} from '../search.js';

export const link = (parts, params) => buildHash(getLang(), parts, params);
export const go = (parts, params) => { location.hash = link(parts, params); };

export function chrome(active, m) {
  const lang = getLang();
  document.documentElement.lang = lang;
  $('#brand').textContent = t('title');
  $('#brand').setAttribute('href', link(['karta']));
  $('.skip').textContent = t('skip');
  const nav = $('#nav');
  nav.setAttribute('aria-label', t('navLabel'));
  nav.replaceChildren(h('ul', {}, NAV.map(([k, key]) =>
    h('li', {}, h('a', {href: link([k]), 'aria-current': active === k ? 'page' : null, text: t(key)})))));
  const b = $('#lang');
  b.textContent = t('lang');
  b.setAttribute('lang', lang === 'sv' ? 'en' : 'sv');
  b.setAttribute('aria-label', t('langLabel'));
  $('#foot').replaceChildren(h('p', {}, `${t('title')} · omrade · `, h('a', {href: link(['tillganglighet']), text: t('a11y')}), ' · ',
    h('a', {href: link(['om']), text: t('about')}), ' · ',
    h('a', {href: '/api/export.csv.gz', download: '', text: t('exportAll')}), ' · ',
    h('a', {href: '/api/meta', text: t('apiLink')}), ' · ',
    h('a', {href: `/api/v2/tables?lang=${lang}`, text: t('apiV2')})));
  // Provenance on every page: the database says whether its data are
  // synthetic (meta data_source), and the page says so before anything else.
  const synthetic = m && m.meta.data_source === 'synthetic';
  const banner = $('#banner');
  banner.hidden = !synthetic;
  banner.textContent = synthetic ? t('synthetic') : '';
}

// options: [value, label] pairs, or {group, options} for an <optgroup>
// (the indicator chooser lists the health indicators under their theme).
export function select(label, name, options, value, onchange) {
  const id = `f-${name}`;
  const opt = ([v, l]) => h('option', {value: v, selected: String(v) === String(value) ? true : null, text: l});
  return h('label', {for: id}, label,
    h('select', {id, name, onchange: (e) => onchange(e.target.value)},
      options.map((o) => (Array.isArray(o) ? opt(o) : h('optgroup', {label: o.group}, o.options.map(opt))))));
}

// Search: a labelled input and a list of result buttons; matching in the
// browser (search.js) so that diacritics and English names are handled.
export function searchBox(onPick) {
  const list = h('ul', {class: 'results', id: 'search-results', 'aria-label': t('search')});
  let timer = null;
  const input = h('input', {type: 'search', id: 'f-search', autocomplete: 'off', 'aria-controls': 'search-results',
    oninput: (e) => {
      clearTimeout(timer);
      const q = e.target.value.trim();
      if (!q) { list.replaceChildren(); return; }
      timer = setTimeout(async () => {
        try {
          const idx = await searchIndex();
          const r = search(idx, q, 12);
          list.replaceChildren(...r.map((x, i) => h('li', {}, h('button', {type: 'button', id: `hit-${i}`, onclick: () => { focusNext.id = 'f-search'; onPick(x); },
            text: `${x.label || x.name} (${t(x.level)})`}))));
          announce(r.length ? `${r.length} ${t('hits')}` : t('noHits'));
        } catch { list.replaceChildren(); }
      }, 120);
    }});
  return h('div', {class: 'search'}, h('label', {for: 'f-search'}, t('search'), input), list);
}
let INDEX = null;
function searchIndex() {
  if (!INDEX) INDEX = allAreas().then(makeIndex);
  INDEX.catch(() => { INDEX = null; });
  return INDEX;
}
