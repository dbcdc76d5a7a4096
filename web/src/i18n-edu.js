// Interface strings of the education breakdown (edu.js, views/mapview.js,
// tables.js), merged into i18n.js's T; kept apart so these strings do not
// touch the shared dictionary's lines.  One row per key, [key, Swedish,
// English], so a key cannot lack one language.  The levels are SCB's
// grouping of SUN 2000 in the education register (förgymnasial / gymnasial
// / eftergymnasial utbildning), as in Segregationsbarometern.
const ROWS = [
  ['edu', 'Utbildningsnivå', 'Level of education'],
  ['edu_total', 'Totalt', 'Total'],
  ['edu_pre_upper_secondary', 'Förgymnasial utbildning', 'Pre-upper-secondary education'],
  ['edu_upper_secondary', 'Gymnasial utbildning', 'Upper-secondary education'],
  ['edu_post_secondary', 'Eftergymnasial utbildning', 'Post-secondary education'],
  ['eduNone', 'Uppdelning efter utbildningsnivå finns inte för den här indikatorn.',
    'A breakdown by level of education is not available for this indicator.'],
  ['eduLevel', 'Uppdelning efter utbildningsnivå finns per kommun och län (och för riket), inte per RegSO. Välj kommun eller län.',
    'A breakdown by level of education is available per municipality and county (and for Sweden), not per RegSO. Choose municipality or county.'],
  ['eduAge', 'Uppdelning efter utbildningsnivå finns bara för åldersgruppen {age}.',
    'A breakdown by level of education is available only for the age group {age}.'],
  ['eduNotPublished', 'Redovisas inte på den här nivån: per kommun redovisas utbildningsnivå bara för sig, inte tillsammans med kön eller födelseland. Välj län eller Totalt för kön och född.',
    'Not published at this level: per municipality the level of education is published on its own, not together with sex or country of birth. Choose county, or Total for sex and born.'],
];
export const EDU_T = {
  sv: Object.fromEntries(ROWS.map(([k, sv]) => [k, sv])),
  en: Object.fromEntries(ROWS.map(([k, , en]) => [k, en])),
};
