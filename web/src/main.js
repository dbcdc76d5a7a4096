// Områdesbarometern — the barometer front end.  Plain DOM + d3-geo; all data
// from the read-only API of `omrade serve` (docs/barometer.md).  This file
// wires the router to the views and keeps focus and the page title across
// re-renders; the modules:
//   router.js  URL hash <-> view, language in the URL     (pure)
//   i18n.js    interface strings sv/en                    (pure)
//   format.js  numbers and text folding                   (pure)
//   scales.js  colour classes, quantile breaks, zoom fit  (pure)
//   search.js  diacritic-insensitive search, English names (pure)
//   downloads.js CSV / Swedish-Excel CSV / JSON-stat files (pure)
//   api.js     API client;  dom.js element builders, live region
//   map.js, charts.js, tables.js;  views/*.js one per page
import {$, h, focusNext} from './dom.js';
import {setLang, getLang, t} from './i18n.js';
import {parseHash, buildHash, known, firstPaintRoute} from './router.js';
import {meta, layer} from './api.js';
import {setMetaForDownloads} from './tables.js';
import {viewMap} from './views/mapview.js';
import {viewArea} from './views/area.js';
import {viewTypes} from './views/types.js';
import {viewChange} from './views/change.js';
import {viewNeed} from './views/need.js';
import {viewAbout} from './views/about.js';
import {viewA11y} from './views/a11y.js';
import {notFound} from './views/notfound.js';

const stored = () => (localStorage.getItem('omrade-lang') === 'en' ? 'en' : 'sv');
let lastPath = null;

// The map layers a view will draw start loading together with the
// metadata instead of after it and the view's data: on a slow network each
// request in a chain costs a round trip (issue 14: < 3 s to the first
// render of the national RegSO map on a slow mobile profile).
function prefetchLayers(parts, params) {
  const names = [];
  if (!parts.length || parts[0] === 'karta') {
    const lv = (params.get('ind') || 'area_type') === 'area_type' ? 'regso' : params.get('level') || 'kommun';
    names.push(lv === 'lan' ? 'lan' : lv === 'regso' ? 'regso' : 'kommun');
    if (lv === 'regso') names.push('kommun');
    if (params.get('police') === '1') names.push('police');
  } else if (parts[0] === 'omrade' && parts[1] && parts[1].length <= 4) {
    names.push('regso', 'kommun');
  }
  for (const n of names) layer(n).catch(() => {});
}

async function render() {
  const r = parseHash(location.hash, stored());
  setLang(r.lang);
  localStorage.setItem('omrade-lang', r.lang);
  // a link without a language gets one, so the address can be shared as is
  if (!r.explicit) history.replaceState(null, '', buildHash(r.lang, r.parts, r.params));
  const path = r.parts.join('/');
  // Focus: a changed control is re-created by the re-render; keep focus on
  // its successor (same id) when the view stays the same, else move focus
  // to the new page's main region.
  const active = document.activeElement;
  const keepId = focusNext.id || (active && active.id && active !== document.body ? active.id : null);
  focusNext.id = null;
  document.body.dataset.ready = '';
  // The map painted from index.html (docs/barometer.md, "First paint")
  // stays until the view that replaces it is ready, if it is that view.
  const fp = document.getElementById('fp');
  if (fp && !firstPaintRoute(r, fp.dataset.year)) fp.remove();
  prefetchLayers(r.parts, r.params);
  const m = await meta().catch(() => null);
  setMetaForDownloads(m);
  try {
    if (!known(r.parts)) notFound('', m);
    else if (r.parts[0] === 'omrade') await viewArea(r.parts[1]);
    else if (r.parts[0] === 'typer') await viewTypes(r.params);
    else if (r.parts[0] === 'forandring') await viewChange(r.params);
    else if (r.parts[0] === 'behov') await viewNeed(r.params);
    else if (r.parts[0] === 'om') await viewAbout();
    else if (r.parts[0] === 'tillganglighet') await viewA11y();
    else await viewMap(r.params);
  } catch (e) {
    $('#main').replaceChildren(h('h1', {text: t('apiError')}), h('p', {class: 'error', text: `${t('apiError')}: ${e.message}`}));
  }
  const h1 = $('#main h1');
  document.title = h1 ? `${h1.textContent} – ${t('title')}` : t('title');
  if (path === lastPath && keepId) {
    const el = document.getElementById(keepId);
    if (el && document.activeElement !== el) el.focus();
  } else if (lastPath !== null && path !== lastPath) {
    $('#main').focus();
  }
  lastPath = path;
  document.body.dataset.ready = '1';
}
window.addEventListener('hashchange', render);
// The skip link's href="#main" would be a route change: move focus instead.
$('a.skip').addEventListener('click', (e) => { e.preventDefault(); $('#main').focus(); });
$('#lang').addEventListener('click', () => {
  const r = parseHash(location.hash, getLang());
  focusNext.id = 'lang';
  location.hash = buildHash(r.lang === 'sv' ? 'en' : 'sv', r.parts, r.params);
});
render();
