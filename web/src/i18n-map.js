// Interface strings of the DeSO layer (map.js, views/mapview.js) and the
// comparison with similar kommuner (views/area.js), merged into i18n.js's
// T; kept apart so these strings do not touch the shared dictionary's lines.
export const MAP_T = {
  sv: {
    deso: 'DeSO-områden', desoLayer: 'Visa DeSO-områden', desoNote: 'DeSO-gränserna är SCB:s verkliga gränser (DeSO 2018) och finns här bara för området kring Uppsala län. Databasen har inga värden per DeSO, så områdena visas som gränser med sitt RegSO.',
    desoValuesNote: 'DeSO-områdena är färgade efter sitt värde.',
    simTitle: 'Jämförelse med liknande kommuner och riket', simGroup: 'Liknande kommuner',
    simMedian: 'Median i gruppen', simRange: 'Spridning i gruppen (lägst–högst)', simN: 'Kommuner med värde',
    simNone: 'Det finns inte tillräckligt med uppgifter för att hitta liknande kommuner.',
    simRule: 'Liknande kommuner är de tio kommuner som ligger närmast i folkmängd (logaritmerad) och i andel av befolkningen som bor i RegSO av områdestyp 1–2 respektive 4–5, år {year}. Varje mått är standardiserat över alla kommuner och avståndet är euklidiskt. SKR:s kommungruppsindelning används inte eftersom den inte finns som öppen fil i omrade.',
    simKommun: 'Kommunen',
  },
  en: {
    deso: 'DeSO areas', desoLayer: 'Show DeSO areas', desoNote: 'The DeSO boundaries are SCB\'s real boundaries (DeSO 2018) and are here only for the area around Uppsala county. The database has no values per DeSO, so the areas are drawn as outlines with their RegSO.',
    desoValuesNote: 'The DeSO areas are coloured by their value.',
    simTitle: 'Comparison with similar municipalities and the country', simGroup: 'Similar municipalities',
    simMedian: 'Group median', simRange: 'Group range (lowest–highest)', simN: 'Municipalities with a value',
    simNone: 'There are not enough data to find similar municipalities.',
    simRule: 'Similar municipalities are the ten municipalities nearest in population (logarithm) and in the share of the population living in RegSO of area types 1–2 and 4–5, year {year}. Each measure is standardised over all municipalities and the distance is Euclidean. SKR\'s municipality grouping is not used because it is not available as an open file in omrade.',
    simKommun: 'The municipality',
  },
};
