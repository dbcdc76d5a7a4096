// #/om: an introduction to area types, SEI and the inequality index
// (definitions as in docs/sei.md and docs/seg.md, from SCB's method
// description of the area types and the barometer's inequality index).
import {$, h, announce} from '../dom.js';
import {t} from '../i18n.js';
import {meta} from '../api.js';
import {chrome, link} from './common.js';

export async function viewAbout() {
  const m = await meta().catch(() => null);
  chrome('om', m);
  const h1 = h('h1', {text: t('about')});
  const sec = (id, title, paras, extra) => h('section', {'aria-labelledby': id}, h('h2', {id, text: title}),
    ...paras.map((p) => h('p', {text: p})), extra || null);
  $('#main').replaceChildren(h1,
    sec('om-typer', t('introTypes'), t('introTypesText'),
      h('ol', {class: 'types'}, [1, 2, 3, 4, 5].map((k) => h('li', {text: t(`type${k}`).replace(/^\d /, '')})))),
    sec('om-sei', t('introSei'), t('introSeiText')),
    sec('om-ineq', t('introIneq'), t('introIneqText')),
    h('p', {}, h('a', {href: link(['karta'], {ind: 'area_type', level: 'regso'}), text: `${t('mapOf')}: ${t('areaType')}`})));
  announce(h1.textContent);
}
