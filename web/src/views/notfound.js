// A bad link: a localised error page (the server's messages are English).
import {$, h, announce} from '../dom.js';
import {t} from '../i18n.js';
import {chrome, link} from './common.js';

export function notFound(detail, m) {
  chrome('', m);
  const h1 = h('h1', {text: t('badLink')});
  $('#main').replaceChildren(h1, h('p', {class: 'error', text: detail || t('badLinkText')}),
    detail ? h('p', {text: t('badLinkText')}) : null,
    h('p', {}, h('a', {href: link(['karta']), text: t('backToMap')})));
  announce(h1.textContent);
}
