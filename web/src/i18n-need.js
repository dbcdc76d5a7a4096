// Interface strings of the need-index view (views/need.js), merged into
// i18n.js's T; kept apart so the view's strings do not touch the shared
// dictionary's lines.
export const NEED_T = {
  sv: {
    needView: 'Behovsindex', needKommun: 'Kommun', needIndices: 'Behovsindex för',
    needRank: 'Rang bland kommunerna', needRankOf: 'av', needGroup: 'Grupp',
    needCompare: 'Där indexen är oense', needCompareCap: 'Rangskillnader mellan indexen för',
    needA: 'Första index', needB: 'Andra index', needRankA: 'Rang, första', needRankB: 'Rang, andra', needDiff: 'Skillnad i rang (andra − första)',
    needNone: 'Databasen har inga behovsindex (omrade build --need).', needNoKommun: 'Databasen har inga behovsindex för den här kommunen.',
    needNote: 'Rang 1 är kommunen med högst värde, det vill säga störst behov enligt indexet; lika värden delar rang. Rangen räknas bland de kommuner som har ett värde för indexet samma år. Sorteringsnyckelns grupp går åt andra hållet: grupp 1 har lägst nyckel, det vill säga minst behov.',
    needCompareNote: 'En stor skillnad i rang betyder att indexen bedömer kommunens behov olika. Positiv skillnad: det andra indexet placerar kommunen längre ner (mindre behov) än det första.',
    needSame: 'Inga par att jämföra: kommunen har färre än två index.',
    needSup: 'Skyddade värden visas inte: ett index redovisas inte där något av antalen bakom det (barn eller personer i en av indexets delar) är för litet, eller där det skulle avslöja ett annat skyddat värde. Rangen räknas då bland kommunerna med redovisade värden, och standardiserade värden (z-värden, sorteringsnyckeln, CNI) är räknade över dem.',
    need_sei_0_5: 'Barnanpassat SEI, 0–5 år', need_sei_6_17: 'Barnanpassat SEI, 6–17 år',
    need_key2011: 'Socioekonomisk sorteringsnyckel 2011', need_key2013: 'Socioekonomisk sorteringsnyckel 2013',
    need_key: 'Socioekonomisk sorteringsnyckel', need_cni: 'Care Need Index (CNI, vårdbehovsindex)',
    needAbout: 'Barnanpassat SEI: medelvärdet av andelarna barn med lågutbildade vårdnadshavare, med låg ekonomisk standard och med vårdnadshavare med långvarigt ekonomiskt bistånd eller lång arbetslöshet (procent). Sorteringsnyckeln (Öppna jämförelser ekonomiskt bistånd): summan av standardiserade andelar med låg inkomst, utan arbete och (2011) med låg utbildning, i 10 (2011) eller 8 (2013) grupper. CNI: 1 är riket. Metoden beskrivs i docs/need.md.',
  },
  en: {
    needView: 'Need indices', needKommun: 'Municipality', needIndices: 'Need indices for',
    needRank: 'Rank among municipalities', needRankOf: 'of', needGroup: 'Group',
    needCompare: 'Where the indices disagree', needCompareCap: 'Rank differences between the indices for',
    needA: 'First index', needB: 'Second index', needRankA: 'Rank, first', needRankB: 'Rank, second', needDiff: 'Rank difference (second − first)',
    needNone: 'The database has no need indices (omrade build --need).', needNoKommun: 'The database has no need indices for this municipality.',
    needNote: 'Rank 1 is the municipality with the highest value, i.e. the greatest need by the index; equal values share a rank. Ranks are among the municipalities with a value for the index in the same year. The sorting key\'s group runs the other way: group 1 has the lowest key, i.e. the least need.',
    needCompareNote: 'A large rank difference means the indices judge the municipality\'s need differently. A positive difference: the second index places the municipality lower (less need) than the first.',
    needSame: 'No pairs to compare: the municipality has fewer than two indices.',
    needSup: 'Suppressed values are not shown: an index is not published where one of the counts behind it (children or persons in one of its parts) is too small, or where it would reveal another suppressed value. Ranks are then among the municipalities with published values, and standardised values (z-scores, the sorting key, CNI) are computed over them.',
    need_sei_0_5: 'Child-adapted SEI, ages 0–5', need_sei_6_17: 'Child-adapted SEI, ages 6–17',
    need_key2011: 'Socioeconomic sorting key 2011', need_key2013: 'Socioeconomic sorting key 2013',
    need_key: 'Socioeconomic sorting key', need_cni: 'Care Need Index (CNI)',
    needAbout: 'Child-adapted SEI: the mean of the shares of children whose guardians have low education, with low economic standard, and with a guardian with long-term economic assistance or long unemployment (per cent). The sorting key (Öppna jämförelser ekonomiskt bistånd): the sum of the standardised shares with low income, without work and (2011) with low education, in 10 (2011) or 8 (2013) groups. CNI: 1 is Sweden as a whole. The method is in docs/need.md.',
  },
};
