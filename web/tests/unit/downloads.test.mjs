// Table downloads (web/src/downloads.js).  CSV checked line by line against
// text written by hand; JSON-stat read back with jsonstat-toolkit, an
// independent JSON-stat reader (https://github.com/jsonstat/toolkit).
import test from 'node:test';
import assert from 'node:assert/strict';
import JSONstat from 'jsonstat-toolkit';
import {toCsv, toJsonStat, fileName} from '../../src/downloads.js';

const legend = [['..', 'Skyddad: för få personer'], ['...', 'Skyddad för att skydda andra värden']];
const map = {
  title: 'Låg ekonomisk standard 2023, Kommun', source: 'Områdesbarometern', notes: [],
  fixed: [{id: 'year', label: 'År', code: '2023', text: '2023'}, {id: 'sex', label: 'Kön', code: 'woman', text: 'Kvinnor'}],
  dims: [{id: 'region', label: 'Område', withCode: true}],
  measures: [{id: 'value', label: 'Värde', unit: '%', unitText: '%'}, {id: 'numerator', label: 'Täljare', unit: 'count', unitText: 'antal'}],
  rows: [
    {keys: [{code: '0114', text: 'Upplands Väsby'}], status: 'published', values: [11, 4400]},
    {keys: [{code: '0115', text: 'Vallentuna; norra'}], status: 'primary', values: [null, null]},
    {keys: [{code: '0117', text: 'Österåker'}], status: 'secondary', values: [null, null]},
    {keys: [{code: '0120', text: 'Värmdö'}], status: 'published', values: [1234.5, 12]},
  ],
  legend,
};

test('CSV: UTF-8 with BOM, CRLF, metadata, symbols in suppressed cells', () => {
  const csv = toCsv(map, {labels: {unit: 'Enhet', source: 'Källa', code: 'Kod'}});
  assert.ok(csv.startsWith('\uFEFF'));
  assert.deepEqual(csv.slice(1).split('\r\n'), [
    '"Låg ekonomisk standard 2023, Kommun"',
    'Enhet: Värde: %; Täljare: antal',
    'År: 2023',
    'Kön: Kvinnor',
    '',
    'Kod (Område),Område,Värde (%),Täljare (antal)',
    '0114,Upplands Väsby,11.0,4400',
    '0115,Vallentuna; norra,..,..',
    '0117,Österåker,...,...',
    '0120,Värmdö,1235,12',
    '',
    'Källa: Områdesbarometern',
    '.. Skyddad: för få personer',
    '... Skyddad för att skydda andra värden',
    '',
  ]);
});
test('Swedish-Excel CSV: semicolons, decimal comma, quoted fields with ;', () => {
  const lines = toCsv(map, {excel: true}).slice(1).split('\r\n');
  assert.equal(lines[0], 'Låg ekonomisk standard 2023, Kommun');
  assert.equal(lines[5], 'Code (Område);Område;Värde (%);Täljare (antal)');
  assert.equal(lines[6], '0114;Upplands Väsby;11,0;4400');
  assert.equal(lines[7], '0115;"Vallentuna; norra";..;..');
  assert.equal(lines[9], '0120;Värmdö;1235;12');
});
test('JSON-stat 2.0 read by jsonstat-toolkit', () => {
  const js = toJsonStat(map, {labels: {contents: 'Uppgift'}});
  const j = JSONstat(JSON.parse(JSON.stringify(js)));
  assert.equal(j.class, 'dataset');
  assert.equal(j.label, 'Låg ekonomisk standard 2023, Kommun');
  assert.deepEqual(j.id, ['year', 'sex', 'region', 'contents']);
  assert.equal(j.n, 8);
  assert.deepEqual(j.Data({year: '2023', sex: 'woman', region: '0114', contents: 'value'}), {value: 11, status: null});
  assert.deepEqual(j.Data({year: '2023', sex: 'woman', region: '0114', contents: 'numerator'}), {value: 4400, status: null});
  assert.deepEqual(j.Data({year: '2023', sex: 'woman', region: '0115', contents: 'value'}), {value: null, status: '..'});
  assert.deepEqual(j.Data({year: '2023', sex: 'woman', region: '0117', contents: 'numerator'}), {value: null, status: '...'});
  assert.equal(j.Data({year: '2023', sex: 'woman', region: '0120', contents: 'value'}).value, 1234.5);
  assert.equal(j.Dimension('region').Category('0117').label, 'Österåker');
  assert.equal(j.Dimension('sex').Category('woman').label, 'Kvinnor');
  assert.equal(j.Dimension('contents').label, 'Uppgift');
  assert.equal(j.Dimension('contents').Category('value').unit.label, '%');
  assert.equal(j.source, 'Områdesbarometern');
  assert.ok(js.note.includes('.. Skyddad: för få personer'));
});
test('JSON-stat: two row dimensions in row-major order, missing cells null', () => {
  const ds = {title: 'Befolkning per områdestyp', source: 'x', fixed: [],
    dims: [{id: 'year', label: 'År'}, {id: 'area_type', label: 'Områdestyp'}],
    measures: [{id: 'population', label: 'Befolkning', unit: 'count'}],
    rows: [{keys: [{code: '2022', text: '2022'}, {code: '3', text: 'typ 3'}], status: 'published', values: [100]},
      {keys: [{code: '2022', text: '2022'}, {code: '4', text: 'typ 4'}], status: 'published', values: [200]},
      {keys: [{code: '2023', text: '2023'}, {code: '4', text: 'typ 4'}], status: 'published', values: [210]}]};
  const j = JSONstat(toJsonStat(ds));
  assert.deepEqual(j.size, [2, 2, 1]);
  assert.equal(j.Data({year: '2022', area_type: '4', contents: 'population'}).value, 200);
  assert.equal(j.Data({year: '2023', area_type: '4', contents: 'population'}).value, 210);
  assert.equal(j.Data({year: '2023', area_type: '3', contents: 'population'}).value, null);
});
test('file names say what the file is', () => {
  assert.equal(fileName(map, '.csv'), 'lag-ekonomisk-standard-2023-kommun_kvinnor.csv');
  assert.equal(fileName({title: 'Områdestyp 2023', fixed: [{id: 'year', code: '2023', text: '2023'}]}, '.jsonstat.json'), 'omradestyp-2023.jsonstat.json');
});
