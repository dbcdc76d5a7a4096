// Interface strings of the education breakdown (views/mapview.js,
// tables.js), merged into i18n.js's T; kept apart so these strings do not
// touch the shared dictionary's lines.  The levels are SCB's grouping of
// SUN 2000 in the education register (förgymnasial / gymnasial /
// eftergymnasial utbildning), as in Segregationsbarometern.
export const EDU_T = {
  sv: {
    edu: 'Utbildningsnivå', edu_total: 'Totalt',
    edu_pre_upper_secondary: 'Förgymnasial utbildning', edu_upper_secondary: 'Gymnasial utbildning',
    edu_post_secondary: 'Eftergymnasial utbildning',
    eduNone: 'Uppdelning efter utbildningsnivå finns inte för den här indikatorn.',
    eduLevel: 'Uppdelning efter utbildningsnivå finns per kommun och län (och för riket), inte per RegSO. Välj kommun eller län.',
    eduAge: 'Uppdelning efter utbildningsnivå finns bara för åldersgruppen {age}.',
    eduNotPublished: 'Redovisas inte på den här nivån: per kommun redovisas utbildningsnivå bara för sig, inte tillsammans med kön eller födelseland. Välj län eller Totalt för kön och född.',
  },
  en: {
    edu: 'Level of education', edu_total: 'Total',
    edu_pre_upper_secondary: 'Pre-upper-secondary education', edu_upper_secondary: 'Upper-secondary education',
    edu_post_secondary: 'Post-secondary education',
    eduNone: 'A breakdown by level of education is not available for this indicator.',
    eduLevel: 'A breakdown by level of education is available per municipality and county (and for Sweden), not per RegSO. Choose municipality or county.',
    eduAge: 'A breakdown by level of education is available only for the age group {age}.',
    eduNotPublished: 'Not published at this level: per municipality the level of education is published on its own, not together with sex or country of birth. Choose county, or Total for sex and born.',
  },
};
