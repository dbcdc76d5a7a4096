// Search over län, kommun and RegSO names, in the browser: case- and
// diacritic-insensitive ("malmo" finds Malmö, "gavle" Gävle) and with the
// English (exonym) names of large cities and regions.  Pure (unit-tested).
import {fold} from './format.js';

// English names → the Swedish name they stand for (folded).
export const ALIASES = {
  gothenburg: 'goteborg', gothenberg: 'goteborg', gothenborg: 'goteborg',
  scania: 'skane', 'scania county': 'skane lan', dalecarlia: 'dalarna', 'dalecarlia county': 'dalarnas lan',
  lapland: 'norrbotten', 'west bothnia': 'vasterbotten', 'north bothnia': 'norrbotten',
  'stockholm county': 'stockholms lan', 'uppsala county': 'uppsala lan', 'gotland county': 'gotlands lan',
  elsinore: 'helsingborg', helsingburg: 'helsingborg', upsala: 'uppsala', 'west gothia': 'vastra gotaland',
};
const LEVEL_RANK = {lan: 0, kommun: 1, regso: 2};

// index: [{code, name, level}] → [{…, key}] with the folded name.
export function makeIndex(areas) {
  return areas.map((a) => ({...a, key: fold(a.name)}));
}
// Best matches first: code, exact name, name start, word start, anywhere;
// län before kommun before RegSO; then alphabetical.
export function search(index, q, limit = 12) {
  let f = fold(q);
  if (!f) return [];
  if (ALIASES[f]) f = ALIASES[f];
  else for (const [en, sv] of Object.entries(ALIASES)) if (f.startsWith(en + ' ')) { f = sv + f.slice(en.length); break; }
  const score = (a) => {
    if (a.code.toLowerCase() === f) return 0;
    if (a.key === f) return 1;
    if (a.key.startsWith(f)) return 2;
    if (a.key.includes(' ' + f)) return 3;
    if (a.key.includes(f)) return 4;
    return -1;
  };
  const hits = [];
  for (const a of index) { const sc = score(a); if (sc >= 0) hits.push([sc, a]); }
  hits.sort((x, y) => x[0] - y[0] || LEVEL_RANK[x[1].level] - LEVEL_RANK[y[1].level] || x[1].key.localeCompare(y[1].key));
  return hits.slice(0, limit).map((x) => x[1]);
}
