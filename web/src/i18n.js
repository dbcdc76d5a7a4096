// Interface strings in Swedish and English, and the current language.
// Every key exists in both languages (web/tests/unit/i18n.test.mjs checks
// this and that every key used through t(…) in web/src exists).
import {CHANGE_T} from './i18n-change.js';
import {NEED_T} from './i18n-need.js';
import {HEALTH_T} from './i18n-health.js';
import {MAP_T} from './i18n-map.js';
import {EDU_T} from './i18n-edu.js';

export const T = {
  sv: {
    title: 'Områdesbarometern', skip: 'Hoppa till innehållet', navLabel: 'Huvudmeny',
    map: 'Karta och indikatorer', types: 'Områdestyper', a11y: 'Tillgänglighet', lang: 'English',
    langLabel: 'Switch language to English', level: 'Nivå', lan: 'Län', kommun: 'Kommun', regso: 'RegSO', riket: 'Riket',
    variable: 'Visa', areaType: 'Områdestyp', year: 'År', sex: 'Kön', age: 'Ålder', born: 'Född',
    total: 'Totalt', man: 'Män', woman: 'Kvinnor', sweden: 'I Sverige', abroad: 'Utomlands',
    view: 'Visning', viewMap: 'Karta', viewLine: 'Linjediagram', viewTable: 'Tabell',
    search: 'Sök kommun eller RegSO', police: 'Visa polisens utsatta områden (2023)',
    within: 'Område', wholeCountry: 'Hela riket', download: 'Ladda ner', csv: 'CSV', xlsx: 'Excel (XLSX)',
    suppressed: 'Skyddad', primary: 'Skyddad: för få personer', secondary: 'Skyddad för att skydda andra värden', withheld: 'Redovisas inte: för litet län för korstabellen', noData: 'Uppgift saknas',
    notPublished: 'Redovisas inte på den här nivån: känsliga uppgifter redovisas per RegSO bara som totaler och per kommun för en uppdelning i taget (kön, födelseland eller ålder). Välj län eller färre uppdelningar.',
    synthetic: 'Syntetiska data: uppgifterna kommer från en syntetisk befolkning, inte från verkliga register. De beskriver inga verkliga personer.',
    exportAll: 'Ladda ner alla uppgifter (CSV, gzip-komprimerad, en rad per cell)', type12: '1–2 Socioekonomiska utmaningar (typ 1 och 2 tillsammans)',
    plugin: 'Okorrigerat värde', corrected: 'Korrigerat värde', expected: 'Vid slumpmässig fördelning',
    ineqNote: 'Punkten är det korrigerade värdet med sitt 95-procentiga intervall; ringen är det okorrigerade värdet och strecket värdet om personerna bodde slumpmässigt. Det okorrigerade värdet överskattar ojämlikheten när varje DeSO har få personer; det korrigerade värdet drar av den skattade överskattningen.',
    flag_few_deso: 'Få DeSO med befolkning: osäkert värde.', flag_few_persons: 'Få personer: osäkert värde.',
    flag_empty_group: 'Ingen i den lägsta eller högsta inkomstgruppen: index saknas.',
    flag_large_bias: 'Stor skevhet: det okorrigerade värdet är uppblåst av slumpen i små DeSO. Läs det korrigerade värdet och jämför det okorrigerade med värdet vid slumpmässig fördelning.',
    flag_bootstrap_bias: 'Intervallet innehåller inte värdet: skevhet i små DeSO.', value: 'Värde', name: 'Namn', code: 'Kod',
    numerator: 'Täljare', denominator: 'Nämnare', profile: 'Områdesprofil', openPage: 'Öppna sidan för',
    mapOf: 'Karta', skipMap: 'Hoppa förbi kartan till tabellen', tableAlt: 'Tabell (samma uppgifter som kartan)', chooseArea: 'Klicka på ett område eller välj i tabellen.',
    schematic: 'RegSO visas som schematiska celler inom varje kommun (inte SCB:s verkliga gränser). Kommun- och länsgränser är verkliga.',
    type1: '1 Stora socioekonomiska utmaningar', type2: '2 Socioekonomiska utmaningar', type3: '3 Socioekonomiskt blandade',
    type4: '4 Goda socioekonomiska förutsättningar', type5: '5 Mycket goda socioekonomiska förutsättningar',
    nRegso: 'Antal RegSO', population: 'Befolkning', share12: 'Andel RegSO i typ 1–2', inequality: 'Ojämlikhetsindex över tid',
    indicators: 'Indikatorer (senaste år)', typesOverTime: 'Områdestyp över tid', sei: 'SEI', loading: 'Hämtar…',
    legend: 'Teckenförklaring', lineFor: 'Utveckling över tid', addArea: 'Jämför med', typeView: 'Indikator per områdestyp',
    lower: 'Nedre', upper: 'Övre', index: 'Index', flag: 'Anmärkning', typeYear: 'Typår', byTypeOverTime: 'per områdestyp över tid', unit: 'Enhet',
    policeLegend: 'Polisens område (streckad kontur)', policeCat: 'Kategori', notFound: 'Sidan finns inte.',
    provenance: 'Källor och metod', suppressionRule: 'Röjandeskydd', shown: 'Visar', of: 'av', areasWord: 'områden',
    chooseLan: 'Inom län', atLeast: 'minst', regsoSuppressed: 'RegSO skyddade', showAll: 'Visa alla rader', noValues: 'Inga uppgifter för detta urval.', apiError: 'Kunde inte hämta uppgifter',
    // added with the module split (issue 14)
    about: 'Om statistiken', zoomIn: 'Zooma in', zoomOut: 'Zooma ut', zoomReset: 'Visa hela kartan', zoomTools: 'Kartans zoom',
    mapKeys: 'Zooma med + och −, flytta med piltangenterna, 0 visar hela kartan.',
    regsoIn: 'RegSO i', regsoMap: 'Karta över RegSO i', popByType: 'Befolkning per områdestyp över tid',
    popShare: 'Andel av befolkningen', popShare12: 'Andel av befolkningen i typ 1–2', popShareNote: 'Andelen räknas på befolkningen i RegSO med publicerade uppgifter; skyddade RegSO ingår inte.',
    csvUtf8: 'CSV (UTF-8)', csvExcel: 'CSV för svenska Excel (semikolon, decimalkomma)', jsonstat: 'JSON-stat 2.0', apiLink: 'API (JSON)',
    source: 'Källa', sourceText: 'Områdesbarometern (omrade) byggd på SCB:s områdestyper och registerstatistik', breakdown: 'Urval',
    legendPrimaryMark: '..', legendSecondaryMark: '...', mark: 'Tecken', unitLabel: 'Enhet',
    apiV2: 'API som SCB:s statistikdatabas (PxWebApi 2, JSON-stat)',
    policeTable: 'Polisens utsatta områden 2023', policePlace: 'Ort', policeRegion: 'Polisregion',
    policeCat1: 'Särskilt utsatt område', policeCat2: 'Utsatt område', policeCat3: 'Riskområde',
    policeRegso: 'RegSO (andel av området)', policeKommun: 'Kommun (andel av området)', policeNoOverlap: 'Ingen överlappning med inlästa gränser',
    policeOverlapNote: 'Andel av polisområdets yta i varje RegSO och kommun (GEOS, SWEREF 99 TM). RegSO-andelar finns bara där verkliga DeSO-gränser har lästs in (i dag 262 DeSO kring Uppsala); kommungränserna är förenklade, så kommunandelar nära kust och kommungräns är ungefärliga.',
    pxFile: 'PX (PC-Axis)', titleLabel: 'Titel', rowsLabel: 'Rader', noteLabel: 'Anmärkning', meaning: 'Betydelse',
    sheetData: 'Tabell', sheetMeta: 'Om tabellen', subjectArea: 'Områdesbarometern', updated: 'Uppdaterad',
    unit_pct: 'procent', unit_index: 'index', unit_SEK: 'kronor', unit_count: 'antal', unit_points: 'poäng', unit_days: 'dagar', unit_mean: 'medelvärde', unit_type: 'områdestyp (1–5)',
    hits: 'träffar', noHits: 'Inga träffar', badLink: 'Länken fungerar inte', badLinkText: 'Adressen leder inte till någon sida i Områdesbarometern. Börja från kartan eller sök ett område.',
    areaNotFound: 'Det finns inget område med koden', backToMap: 'Till kartan', zoomedTo: 'Kartan visar',
    introTypes: 'Områdestyper', introSei: 'Socioekonomiskt index (SEI)', introIneq: 'Ojämlikhetsindex',
    introTypesText: [
      'SCB delar in Sveriges 3 363 regionala statistikområden (RegSO) i fem områdestyper efter socioekonomisk status. Typ 1 har störst socioekonomiska utmaningar, typ 5 mycket goda socioekonomiska förutsättningar.',
      'Typen bestäms av hur långt områdets SEI ligger från medelvärdet för alla RegSO samma år, mätt i standardavvikelser (z): typ 1 när z är större än 2, typ 2 när z ligger mellan 1 och 2, typ 3 mellan 0 och 1, typ 4 mellan −1 och 0 och typ 5 när z är mindre än −1.',
      'Typerna 1 och 2 redovisas ofta tillsammans som områden med socioekonomiska utmaningar.'],
    introSeiText: [
      'SEI är medelvärdet av tre andelar i procent: andelen personer (alla åldrar) med låg ekonomisk standard, det vill säga disponibel inkomst per konsumtionsenhet under 60 procent av medianen i riket; andelen 20–64 år (20–65 år från 2023) med högst förgymnasial utbildning; och andelen i samma åldrar som har haft ekonomiskt bistånd i minst tio månader och/eller varit arbetslösa längre än sex månader.',
      'Ett högt SEI betyder större socioekonomiska utmaningar. Källa: SCB, Områdestyper efter socioekonomisk status (RegSO), metodbeskrivning.'],
    introIneqText: [
      'Ojämlikhetsindex mäter hur olika de som tillhör den lägsta och den högsta inkomstfemtedelen i riket bor inom en kommun eller ett län: 0 betyder att de bor jämnt fördelade över kommunens DeSO, 100 att de aldrig bor i samma DeSO (olikhetsindex, 50 · Σ |q1ᵢ/Q1 − q5ᵢ/Q5|).',
      'Även om alla bodde slumpmässigt blir indexet större än 0 när varje DeSO har få personer. Därför visas värdet vid slumpmässig fördelning, ett korrigerat värde och ett 95-procentigt intervall. Jämför kommunens värde med värdet vid slumpmässig fördelning.'],
  },
  en: {
    title: 'Area barometer', skip: 'Skip to content', navLabel: 'Main menu',
    map: 'Map and indicators', types: 'Area types', a11y: 'Accessibility', lang: 'Svenska',
    langLabel: 'Byt språk till svenska', level: 'Level', lan: 'County', kommun: 'Municipality', regso: 'RegSO', riket: 'Sweden',
    variable: 'Show', areaType: 'Area type', year: 'Year', sex: 'Sex', age: 'Age', born: 'Born',
    total: 'Total', man: 'Men', woman: 'Women', sweden: 'In Sweden', abroad: 'Abroad',
    view: 'View', viewMap: 'Map', viewLine: 'Line chart', viewTable: 'Table',
    search: 'Search municipality or RegSO', police: 'Show police vulnerable areas (2023)',
    within: 'Area', wholeCountry: 'All of Sweden', download: 'Download', csv: 'CSV', xlsx: 'Excel (XLSX)',
    suppressed: 'Suppressed', primary: 'Suppressed: too few persons', secondary: 'Protected to protect other values', withheld: 'Not shown: county too small for this cross-table', noData: 'No data',
    notPublished: 'Not published at this level: sensitive indicators are published per RegSO as totals only, and per kommun by one breakdown at a time (sex, birth region or age). Choose län or fewer breakdowns.',
    synthetic: 'Synthetic data: the figures come from a synthetic population, not from real registers. They describe no real persons.',
    exportAll: 'Download all data (CSV, gzip-compressed, one row per cell)', type12: '1–2 Socioeconomic challenges (types 1 and 2 together)',
    plugin: 'Uncorrected value', corrected: 'Corrected value', expected: 'Under random allocation',
    ineqNote: 'The dot is the corrected value with its 95 % interval; the ring is the uncorrected value and the dash the value if persons lived at random. The uncorrected value overstates inequality when each DeSO has few persons; the corrected value subtracts the estimated overstatement.',
    flag_few_deso: 'Few DeSO with residents: uncertain value.', flag_few_persons: 'Few persons: uncertain value.',
    flag_empty_group: 'No one in the lowest or highest income quintile: no index.',
    flag_large_bias: 'Large bias: the uncorrected value is inflated by chance in small DeSOs. Read the corrected value, and compare the uncorrected one with the value under random allocation.',
    flag_bootstrap_bias: 'The interval does not contain the value: bias in small DeSOs.', value: 'Value', name: 'Name', code: 'Code',
    numerator: 'Numerator', denominator: 'Denominator', profile: 'Area profile', openPage: 'Open the page for',
    mapOf: 'Map', skipMap: 'Skip the map, go to the table', tableAlt: 'Table (same data as the map)', chooseArea: 'Click an area or choose one in the table.',
    schematic: 'RegSO are drawn as schematic cells inside each municipality (not SCB\'s real boundaries). Municipality and county boundaries are real.',
    type1: '1 Major socioeconomic challenges', type2: '2 Socioeconomic challenges', type3: '3 Socioeconomically mixed',
    type4: '4 Good socioeconomic conditions', type5: '5 Very good socioeconomic conditions',
    nRegso: 'Number of RegSO', population: 'Population', share12: 'Share of RegSO in types 1–2', inequality: 'Inequality index over time',
    indicators: 'Indicators (latest year)', typesOverTime: 'Area type over time', sei: 'SEI', loading: 'Loading…',
    legend: 'Legend', lineFor: 'Change over time', addArea: 'Compare with', typeView: 'Indicator by area type',
    lower: 'Lower', upper: 'Upper', index: 'Index', flag: 'Note', typeYear: 'Type year', byTypeOverTime: 'by area type over time', unit: 'Unit',
    policeLegend: 'Police area (dashed outline)', policeCat: 'Category', notFound: 'Page not found.',
    provenance: 'Sources and method', suppressionRule: 'Disclosure control', shown: 'Showing', of: 'of', areasWord: 'areas',
    chooseLan: 'Within county', atLeast: 'at least', regsoSuppressed: 'RegSO suppressed', showAll: 'Show all rows', noValues: 'No data for this selection.', apiError: 'Could not load data',
    // added with the module split (issue 14)
    about: 'About the statistics', zoomIn: 'Zoom in', zoomOut: 'Zoom out', zoomReset: 'Show the whole map', zoomTools: 'Map zoom',
    mapKeys: 'Zoom with + and −, pan with the arrow keys, 0 shows the whole map.',
    regsoIn: 'RegSO in', regsoMap: 'Map of the RegSO in', popByType: 'Population by area type over time',
    popShare: 'Share of the population', popShare12: 'Share of the population in types 1–2', popShareNote: 'The share is of the population in RegSO with published figures; suppressed RegSO are left out.',
    csvUtf8: 'CSV (UTF-8)', csvExcel: 'CSV for Swedish Excel (semicolon, decimal comma)', jsonstat: 'JSON-stat 2.0', apiLink: 'API (JSON)',
    source: 'Source', sourceText: 'The area barometer (omrade) built on Statistics Sweden\'s area types and register statistics', breakdown: 'Selection',
    legendPrimaryMark: '..', legendSecondaryMark: '...', mark: 'Symbol', unitLabel: 'Unit',
    apiV2: 'API like Statistics Sweden\'s database (PxWebApi 2, JSON-stat)',
    policeTable: 'Police vulnerable areas 2023', policePlace: 'Place', policeRegion: 'Police region',
    policeCat1: 'Particularly vulnerable area', policeCat2: 'Vulnerable area', policeCat3: 'Risk area',
    policeRegso: 'RegSO (share of the area)', policeKommun: 'Municipality (share of the area)', policeNoOverlap: 'No overlap with the loaded boundaries',
    policeOverlapNote: 'Share of the police area’s surface in each RegSO and municipality (GEOS, SWEREF 99 TM). RegSO shares exist only where real DeSO boundaries were loaded (today 262 DeSO around Uppsala); the municipal boundaries are simplified, so shares near coasts and municipal borders are approximate.',
    pxFile: 'PX (PC-Axis) file', titleLabel: 'Title', rowsLabel: 'Rows', noteLabel: 'Note', meaning: 'Meaning',
    sheetData: 'Table', sheetMeta: 'About the table', subjectArea: 'Area barometer', updated: 'Updated',
    unit_pct: 'per cent', unit_index: 'index', unit_SEK: 'kronor', unit_count: 'number', unit_points: 'points', unit_days: 'days', unit_mean: 'mean', unit_type: 'area type (1–5)',
    hits: 'results', noHits: 'No results', badLink: 'This link does not work', badLinkText: 'The address leads to no page of the area barometer. Start from the map or search for an area.',
    areaNotFound: 'There is no area with the code', backToMap: 'To the map', zoomedTo: 'The map shows',
    introTypes: 'Area types', introSei: 'Socioeconomic index (SEI)', introIneq: 'Inequality index',
    introTypesText: [
      'Statistics Sweden (SCB) divides Sweden\'s 3,363 regional statistical areas (RegSO) into five area types by socioeconomic status. Type 1 has the greatest socioeconomic challenges, type 5 very good socioeconomic conditions.',
      'The type is set by how far the area\'s SEI lies from the mean over all RegSO of the same year, in standard deviations (z): type 1 when z is above 2, type 2 when z is between 1 and 2, type 3 between 0 and 1, type 4 between −1 and 0, and type 5 when z is below −1.',
      'Types 1 and 2 are often reported together as areas with socioeconomic challenges.'],
    introSeiText: [
      'SEI is the mean of three shares in per cent: the share of persons (all ages) with low economic standard, i.e. disposable income per consumption unit below 60 per cent of the national median; the share aged 20–64 (20–65 from 2023) with at most pre-upper-secondary education; and the share of the same ages who received economic assistance for at least ten months and/or were unemployed for more than six months.',
      'A high SEI means greater socioeconomic challenges. Source: SCB, Area types by socioeconomic status (RegSO), method description.'],
    introIneqText: [
      'The inequality index measures how differently persons in the lowest and in the highest national income quintile live within a municipality or county: 0 means they are spread evenly over its DeSO, 100 that they never live in the same DeSO (the dissimilarity index, 50 · Σ |q1ᵢ/Q1 − q5ᵢ/Q5|).',
      'Even if everyone lived at random the index is above 0 when each DeSO has few persons. So the value under random allocation, a corrected value and a 95 % interval are shown. Compare the value with the value under random allocation.'],
  },
};
export const LANGS = ['sv', 'en'];
for (const l of LANGS) Object.assign(T[l], CHANGE_T[l]);
for (const l of LANGS) Object.assign(T[l], NEED_T[l]);
for (const l of LANGS) Object.assign(T[l], HEALTH_T[l]);
for (const l of LANGS) Object.assign(T[l], MAP_T[l]);
for (const l of LANGS) Object.assign(T[l], EDU_T[l]);
let lang = 'sv';
export const getLang = () => lang;
export function setLang(l) { lang = LANGS.includes(l) ? l : 'sv'; }
export const t = (k) => T[lang][k] ?? k;
// Names of units as they come from the database ('%' reads as itself).
export function unitText(unit) {
  if (!unit) return '';
  if (unit === '%') return '%';
  return T[lang][`unit_${unit}`] ?? unit;
}
// Riket's name from the database is Swedish; translate it.
export const areaName = (code, name) => (code === '00' ? t('riket') : name);
