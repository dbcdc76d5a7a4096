// #/tillganglighet: accessibility statement with the provenance.
import {$, h} from '../dom.js';
import {t, getLang} from '../i18n.js';
import {meta} from '../api.js';
import {chrome} from './common.js';

export async function viewA11y() {
  const m = await meta().catch(() => null);
  chrome('tillganglighet', m);
  const sv = getLang() === 'sv';
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
      'Kartan zoomas och flyttas med knapparna + och −, med mus, pekskärm eller tangentbordet (+, −, piltangenterna, 0 för hela kartan).',
      'När ett val ändras stannar fokus på kontrollen och resultatet läses upp i ett statusfält (ARIA live region). Varje vy har en egen sidtitel.',
      'Sidan finns på svenska och engelska; språket står i länken.',
    ] : [
      'Every map has a table with the same data, downloadable as CSV and Excel.',
      'The map legend uses colour and pattern plus text, so it does not rely on colour alone.',
      'Everything works with the keyboard; a “Skip to content” link comes first.',
      'Suppressed data is shown with text, not just an empty cell, and the text says why: too few persons, or protected to protect other values.',
      'The map is zoomed and panned with the + and − buttons, mouse, touch or keyboard (+, −, arrow keys, 0 for the whole map).',
      'When a choice changes, focus stays on the control and the result is read out in a status region (ARIA live region). Every view has its own page title.',
      'The site is available in Swedish and English; the language is in the link.',
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
