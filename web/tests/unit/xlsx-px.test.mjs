// XLSX and PX downloads (web/src/xlsx.js, web/src/px.js, web/src/zip.js),
// read back with independent readers: SheetJS (npm xlsx) for the workbook,
// node's zlib.crc32 for the ZIP checksums, and Px.js (npm px,
// https://github.com/fod/px.js), a PC-Axis parser written by others, for
// the PX file.  Expected values are written out by hand below.
import test from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import XLSX from 'xlsx';
import Px from 'px';
import {crc32, zipStore} from '../../src/zip.js';
import {toXlsx, colName} from '../../src/xlsx.js';
import {toPx} from '../../src/px.js';

const legend = [['..', 'Skyddad: för få personer'], ['...', 'Skyddad för att skydda andra värden']];
const map = {
  title: 'Låg ekonomisk standard 2023, Kommun', source: 'Områdesbarometern', notes: ['Syntetiska data'],
  fixed: [{id: 'year', label: 'År', code: '2023', text: '2023'}, {id: 'sex', label: 'Kön', code: 'woman', text: 'Kvinnor'}],
  dims: [{id: 'region', label: 'Område', withCode: true}],
  measures: [{id: 'value', label: 'Värde', unit: '%', unitText: '%'}, {id: 'numerator', label: 'Täljare', unit: 'count', unitText: 'antal'}],
  rows: [
    {keys: [{code: '0114', text: 'Upplands Väsby'}], status: 'published', values: [11, 4400]},
    {keys: [{code: '0115', text: 'Vallentuna; norra'}], status: 'primary', values: [null, null]},
    {keys: [{code: '0117', text: 'Österåker <"&>'}], status: 'secondary', values: [null, null]},
    {keys: [{code: '0120', text: 'Värmdö'}], status: 'published', values: [1234.5, 12]},
    {keys: [{code: '0123', text: 'Järfälla'}], status: 'published', values: [3.14159, null]},
  ],
  legend,
};
const labels = {title: 'Titel', unit: 'Enhet', rows: 'Rader', source: 'Källa', note: 'Anmärkning', code: 'Kod',
  symbol: 'Tecken', meaning: 'Betydelse', sheetData: 'Tabell', sheetMeta: 'Om tabellen'};

test('CRC-32 equals zlib.crc32; a ZIP of stored entries reads back', () => {
  for (const s of ['', 'a', 'The quick brown fox jumps over the lazy dog', 'åäö'.repeat(1000)]) {
    const b = new TextEncoder().encode(s);
    assert.equal(crc32(b), zlib.crc32(b) >>> 0, s.slice(0, 10));
  }
  assert.equal(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog')), 0x414FA339);
  const z = zipStore([['a.txt', 'hej'], ['mapp/b.txt', 'världen']]);
  const cfb = XLSX.CFB.read(Buffer.from(z), {type: 'buffer'});
  const names = cfb.FullPaths.filter((p) => !p.endsWith('/'));
  assert.ok(names.some((p) => p.endsWith('a.txt')) && names.some((p) => p.endsWith('mapp/b.txt')), names.join(' '));
  const entry = cfb.FileIndex[cfb.FullPaths.findIndex((p) => p.endsWith('mapp/b.txt'))];
  assert.equal(Buffer.from(entry.content).toString('utf8'), 'världen');
});
test('column names A..Z, AA, AZ, BA', () => {
  assert.deepEqual([0, 25, 26, 51, 52, 701, 702].map(colName), ['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
});
test('XLSX read by SheetJS: table sheet with numbers and symbols, metadata sheet', () => {
  const wb = XLSX.read(Buffer.from(toXlsx(map, {labels})), {type: 'buffer', cellNF: true});
  assert.deepEqual(wb.SheetNames, ['Tabell', 'Om tabellen']);
  const ws = wb.Sheets.Tabell;
  assert.deepEqual(XLSX.utils.sheet_to_json(ws, {header: 1, defval: null}), [
    ['Kod (Område)', 'Område', 'Värde (%)', 'Täljare (antal)'],
    ['0114', 'Upplands Väsby', 11, 4400],
    ['0115', 'Vallentuna; norra', '..', '..'],
    ['0117', 'Österåker <"&>', '...', '...'],
    ['0120', 'Värmdö', 1235, 12],
    ['0123', 'Järfälla', 3.14, null],
  ]);
  // numbers are numeric cells with the screen's decimals as number format
  assert.equal(ws.B2.t, 's'); assert.equal(ws.A2.t, 's'); // codes stay text (leading zero)
  assert.equal(ws.C2.t, 'n'); assert.equal(ws.C2.z, '0.0');
  assert.equal(ws.C5.z, '0'); assert.equal(ws.C6.z, '0.00'); assert.equal(ws.D2.z, '0');
  assert.equal(ws.C3.t, 's');
  assert.deepEqual(XLSX.utils.sheet_to_json(wb.Sheets['Om tabellen'], {header: 1, defval: null, blankrows: true}), [
    ['Titel', 'Låg ekonomisk standard 2023, Kommun'],
    ['Enhet: Värde', '%'],
    ['Enhet: Täljare', 'antal'],
    ['År', '2023'],
    ['Kön', 'Kvinnor'],
    ['Rader', 'Område'],
    ['Källa', 'Områdesbarometern'],
    ['Anmärkning', 'Syntetiska data'],
    [null, null],
    ['Tecken', 'Betydelse'],
    ['..', 'Skyddad: för få personer'],
    ['...', 'Skyddad för att skydda andra värden'],
  ]);
  assert.equal(wb.Props.Title, 'Låg ekonomisk standard 2023, Kommun');
});
test('XLSX: the same table gives the same bytes; sheet names are made valid', () => {
  assert.deepEqual(toXlsx(map, {labels}), toXlsx(map, {labels}));
  const wb = XLSX.read(Buffer.from(toXlsx(map, {labels: {sheetData: 'Tabell: a/b [x]', sheetMeta: 'Om tabellen och dess källor, definitioner m.m.'}})), {type: 'buffer'});
  assert.deepEqual(wb.SheetNames, ['Tabell  a b  x ', 'Om tabellen och dess källor, de']);
});

test('PX read by Px.js: keywords, variables, codes, data in cube order with dots', () => {
  const px = new Px(toPx(map, {labels: {contents: 'Uppgift', noData: 'Uppgift saknas'}}));
  assert.equal(px.title(), 'Låg ekonomisk standard 2023, Kommun');
  assert.equal(px.keyword('CONTENTS'), 'Låg ekonomisk standard 2023, Kommun');
  assert.equal(px.keyword('CODEPAGE'), 'utf-8');
  assert.equal(px.keyword('AXIS-VERSION'), '2013');
  assert.equal(px.keyword('LANGUAGE'), 'sv');
  assert.equal(px.keyword('DECIMALS'), '2');
  assert.equal(px.keyword('SOURCE'), 'Områdesbarometern');
  assert.equal(px.keyword('CONTVARIABLE'), 'Uppgift');
  assert.deepEqual(px.variables(), ['Område', 'År', 'Kön', 'Uppgift']);
  assert.deepEqual(px.values('Område'), ['Upplands Väsby', 'Vallentuna; norra', "Österåker <'&>", 'Värmdö', 'Järfälla']);
  assert.deepEqual(px.codes('Område'), ['0114', '0115', '0117', '0120', '0123']);
  assert.deepEqual(px.values('År'), ['2023']);
  assert.deepEqual(px.codes('Kön'), 'woman'); // Px.js returns a one-element CODES list as its value
  assert.deepEqual(px.values('Uppgift'), ['Värde', 'Täljare']);
  assert.equal(px.metadata.UNITS['Värde'], '%');
  assert.equal(px.metadata.UNITS['Täljare'], 'antal');
  assert.deepEqual(px.valCounts(), [5, 1, 1, 2]);
  assert.equal(px.data.length, 10);
  // datum([stub index, heading indexes…]) computes the offset itself and
  // strips the quotes of the dot symbols
  assert.equal(px.datum([0, 0, 0, 0]), '11.0');
  assert.equal(px.datum([0, 0, 0, 1]), '4400');
  assert.equal(px.datum([1, 0, 0, 0]), '..');
  assert.equal(px.datum([2, 0, 0, 1]), '...');
  assert.equal(px.datum([3, 0, 0, 0]), '1235');
  assert.equal(px.datum([4, 0, 0, 0]), '3.14');
  assert.equal(px.datum([4, 0, 0, 1]), '.');
  // Px.js leaves '";' on the last keyword before DATA (its split on ';' +
  // newline meets the end of the metadata); that is the reader's quirk.
  const note = px.keyword('NOTE').replace(/";$/, '');
  assert.deepEqual(note.split('#'), ['Syntetiska data', '.. Skyddad: för få personer', '... Skyddad för att skydda andra värden', '. Uppgift saknas']);
});
test('PX: two row dimensions as a full cube, lines at most 256 characters', () => {
  const many = Array.from({length: 60}, (_, i) => ({keys: [{code: String(2000 + i), text: String(2000 + i)}, {code: '3', text: 'typ 3'}], status: 'published', values: [i]}));
  const ds = {title: 'Befolkning per områdestyp', source: 'x', fixed: [], legend,
    dims: [{id: 'year', label: 'År'}, {id: 'area_type', label: 'Områdestyp'}],
    measures: [{id: 'population', label: 'Befolkning', unit: 'count', unitText: 'antal'}],
    rows: [...many, {keys: [{code: '2000', text: '2000'}, {code: '4', text: 'typ 4'}], status: 'published', values: [200]}]};
  const text = toPx(ds);
  for (const line of text.split('\r\n')) assert.ok(line.length <= 256, line.slice(0, 40));
  const px = new Px(text);
  assert.deepEqual(px.variables(), ['År', 'Områdestyp', 'Contents']);
  assert.deepEqual(px.valCounts(), [60, 2, 1]);
  assert.equal(px.values('År').length, 60);
  assert.equal(px.datum([0, 1, 0]), '200');
  assert.equal(px.datum([1, 0, 0]), '1');
  assert.equal(px.datum([1, 1, 0]), '.');
  assert.equal(px.datum([59, 0, 0]), '59');
  assert.equal(px.keyword('DECIMALS'), '0');
});
