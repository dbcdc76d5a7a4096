// The page as it is painted before any script runs (issue 14, item 1; see
// docs/barometer.md "First paint"): web/scripts/build.mjs writes these
// pieces into index.html, and `omrade serve` fills in the map (an inline
// SVG made by `omrade build`, src/barometer/firstpaint.c), its year and
// what depends on the database (<!--fp:…--> directives).  The shell has the
// elements and classes views/mapview.js and views/common.js make for the
// default view (the national RegSO map of the area types, in Swedish), so
// the interactive page replaces it without moving anything; controls are
// disabled until the app runs.  Pure: strings in, HTML out.
import {T} from './i18n.js';
import {NAV, buildHash} from './router.js';
import {DIV, patternSpecs} from './scales.js';

export const esc = (x) => String(x).replace(/[&<>"]/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
const attrs = (a) => Object.entries(a).filter(([, v]) => v != null && v !== false)
  .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${esc(v)}"`)).join('');
const el = (tag, a, ...kids) => (tag === 'input' ? `<${tag}${attrs(a)}>` : `<${tag}${attrs(a)}>${kids.join('')}</${tag}>`);

// The pattern definitions of the first paint (ids fp0…fp4, fpsup, fpsup2,
// fpna), as charts.js patternDefs makes them for the app.
export function patternsSvg(prefix = 'fp') {
  return el('svg', {width: 0, height: 0, 'aria-hidden': 'true', focusable: 'false', style: 'position:absolute'},
    el('defs', {}, ...patternSpecs(prefix, DIV).map((p) => el('pattern', {id: p.id, width: 6, height: 6, patternUnits: 'userSpaceOnUse'},
      ...p.marks.map(([tag, a]) => el(tag, a))))));
}

// Texts of the page chrome (header, skip link) for index.html.
export function chromeParts(lang = 'sv') {
  const t = (k) => T[lang][k];
  return {
    title: esc(t('title')), skip: esc(t('skip')), navLabel: esc(t('navLabel')),
    home: esc(buildHash(lang, ['karta'])),
    nav: el('ul', {}, ...NAV.map(([k, key]) => el('li', {}, el('a', {href: buildHash(lang, [k]), 'aria-current': k === 'karta' ? 'page' : null}, esc(t(key)))))),
    lang: esc(t('lang')), langOther: lang === 'sv' ? 'en' : 'sv', langLabel: esc(t('langLabel')),
    synthetic: esc(t('synthetic')),
  };
}

// <main>'s content for the default view; YEAR, MAP, SCHEMATIC{…} and DESO{…}
// are left as `omrade serve` directives.
export function mainShell(lang = 'sv') {
  const t = (k) => T[lang][k];
  const sel = (label, name, text) => el('label', {for: `f-${name}`}, esc(label),
    el('select', {id: `f-${name}`, name, disabled: true}, el('option', {selected: true}, text)));
  const check = (id, label) => el('label', {class: 'check', for: id}, el('input', {type: 'checkbox', id, disabled: true}), esc(label));
  const year = '<!--fp:year-->';
  const controls = el('form', {class: 'controls', 'aria-label': t('map')},
    sel(t('variable'), 'ind', esc(t('areaType'))), sel(t('level'), 'level', esc(t('regso'))), sel(t('year'), 'year', year),
    el('fieldset', {class: 'views'}, el('legend', {}, esc(t('view'))),
      ...[['map', t('viewMap')], ['line', t('viewLine')], ['table', t('viewTable')]].map(([v, l]) =>
        el('button', {type: 'button', id: `v-${v}`, class: v === 'map' ? null : 'secondary', 'aria-pressed': String(v === 'map'), disabled: true}, esc(l)))),
    check('f-police', t('police')),
    `<!--fp:if deso-->${check('f-deso', t('desoLayer'))}<!--fp:end-->`,
    el('div', {class: 'search'}, el('label', {for: 'f-search'}, esc(t('search')),
      el('input', {type: 'search', id: 'f-search', autocomplete: 'off', disabled: true})),
    el('ul', {class: 'results', id: 'search-results', 'aria-label': t('search')})));
  const swatch = (fill) => el('svg', {width: 28, height: 18, 'aria-hidden': 'true', focusable: 'false'}, el('rect', {width: 28, height: 18, fill}));
  const legend = [1, 2, 3, 4, 5].map((k) => [`url(#fp${k - 1})`, t(`type${k}`)])
    .concat([['url(#fpsup)', t('primary')], ['url(#fpsup2)', t('secondary')], ['url(#fpna)', t('noData')]]);
  // data-year: the year painted (a directive, so not escaped), for the app
  return `<div id="fp" data-year="${year}">` + [
    el('h1', {id: 'fp-h1'}, `${esc(t('areaType'))} ${year}`),
    controls,
    el('div', {class: 'layout'},
      el('div', {class: 'mapcol'}, patternsSvg('fp'), el('div', {class: 'mapbox'}, '<!--fp:svg-->'),
        `<!--fp:if schematic-->${el('p', {class: 'schematic'}, esc(t('schematic')))}<!--fp:end-->`),
      el('aside', {class: 'panel', 'aria-labelledby': 'profile-h'}, el('h2', {id: 'profile-h'}, esc(t('profile'))),
        el('div', {id: 'profile'}, el('p', {class: 'note'}, esc(t('chooseArea')))),
        el('div', {}, el('h2', {}, esc(t('legend'))), el('ul', {class: 'legend'}, ...legend.map(([f, l]) => el('li', {}, swatch(f), esc(l)))))))].join('') + '</div>';
}

// The requests the default view needs, started from the page
// (<link rel=preload>) instead of after app.js has arrived and run: one
// round trip and app.js's transfer earlier, which on a slow link is most
// of the wait for the interactive map (docs/barometer.md "First paint").
// At the end of the body: seen once the page has arrived, so on a slow
// link they do not share it with the page's own bytes (the first paint).
// The URLs are the API client's (api.js apiUrl, layer), so the browser
// hands the preloaded responses to its fetch() calls; `crossorigin` makes
// the preload's mode and credentials those of a same-origin fetch().  The
// layers and area types only with a first paint (the default view is that
// map); the types of the year painted (a directive: not escaped).
export const PRELOAD = ['/api/meta', '<!--fp:if map-->', '/api/geo/regso', '/api/geo/kommun', '/api/types?year=<!--fp:year-->', '<!--fp:end-->'];
export const preloadLinks = () => PRELOAD.map((u) => (u.startsWith('<!--') ? u : `<link rel="preload" href="${u}" as="fetch" crossorigin>`)).join('');

// index.html from its template: {{name}} replaced by the parts above and
// {{css}} by the style sheet (inline: no second request before the paint).
export function fillTemplate(template, css, lang = 'sv') {
  const parts = {...chromeParts(lang), main: mainShell(lang), css: `<style>${css}</style>`, preload: preloadLinks()};
  return template.replace(/\{\{([a-zA-Z]+)\}\}/g, (m, k) => {
    if (!(k in parts)) throw new Error(`index.html: no part {{${k}}}`);
    return parts[k];
  });
}
