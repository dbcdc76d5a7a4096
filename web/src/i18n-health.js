// Interface strings of the health theme (indicators of `omrade rates
// --barometer`: rates per 100 000, case fatality, smoothed rates, ISR),
// merged into i18n.js's T; kept apart so that the theme's strings do not
// touch the shared dictionary's lines.
export const HEALTH_T = {
  sv: {
    theme_health: 'Hälsa', theme_other: 'Övriga indikatorer',
    interval: '95 % intervall', intervalShort: 'intervall', definition: 'Definition och källa',
    intervalNote: 'Intervallet visas bara där värdet visas: ett intervall avslöjar antalet.',
    'unit_per 100,000': 'per 100 000', unit_ratio: 'kvot (observerade/förväntade)',
  },
  en: {
    theme_health: 'Health', theme_other: 'Other indicators',
    interval: '95 % interval', intervalShort: 'interval', definition: 'Definition and source',
    intervalNote: 'The interval is shown only where the value is: an interval gives the count away.',
    'unit_per 100,000': 'per 100,000', unit_ratio: 'ratio (observed/expected)',
  },
};
// The theme of an indicator from the catalogue (`theme` column of
// /api/meta; empty for the indicators without one).
export const THEMES = ['health'];
