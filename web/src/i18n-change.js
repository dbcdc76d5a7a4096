// Interface strings of the change view (views/change.js), merged into
// i18n.js's T; kept apart so the view's strings do not touch the shared
// dictionary's lines.
export const CHANGE_T = {
  sv: {
    changeView: 'Förändring över tid', trTitle: 'RegSO som bytt områdestyp', trRows: 'Områdestyp år',
    trChanged: 'RegSO bytte områdestyp', trOf: 'av', trPair: 'Årspar', trTotal: 'Summa',
    trNote: 'Raderna är områdestypen det första året och kolumnerna det andra. Diagonalen är RegSO som behöll sin typ. Övergångarna räknar områden, inte personer.',
    anTitle: 'Relativa och förankrade områdestyper', anBase: 'Basår', anRel: 'relativ', anAnch: 'förankrad',
    anNote: 'Relativ: SEI jämfört med samma års medelvärde och spridning, som SCB:s områdestyper. Förankrad: SEI jämfört med basårets medelvärde och spridning, så att verklig förbättring eller försämring syns. De förankrade typerna är inte SCB:s områdestyper. Båda är beräknade från SEI i databasen.',
    anCell: 'Antal RegSO: relativ / förankrad', noChange: 'Databasen har inga uppgifter om förändring för det här området.',
    csvDownload: 'Ladda ner tabellen (CSV)',
  },
  en: {
    changeView: 'Change over time', trTitle: 'RegSO changing area type', trRows: 'Area type in',
    trChanged: 'RegSO changed area type', trOf: 'of', trPair: 'Pair of years', trTotal: 'Sum',
    trNote: 'Rows are the area type in the first year and columns in the second. The diagonal is the RegSO that kept their type. The transitions count areas, not people.',
    anTitle: 'Relative and anchored area types', anBase: 'Base year', anRel: 'relative', anAnch: 'anchored',
    anNote: 'Relative: SEI compared with the same year\'s mean and spread, as in SCB\'s area types. Anchored: SEI compared with the base year\'s mean and spread, so that real improvement or decline shows. The anchored types are not SCB\'s area types. Both are computed from the SEI in the database.',
    anCell: 'Number of RegSO: relative / anchored', noChange: 'The database has no change data for this area.',
    csvDownload: 'Download the table (CSV)',
  },
};
