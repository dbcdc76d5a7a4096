// Number formatting and folding (web/src/format.js).  Expected strings are
// written out by hand: Swedish uses a no-break space (U+00A0) between
// thousands and a decimal comma (CLDR sv), British English a comma and a
// point.
import test from 'node:test';
import assert from 'node:assert/strict';
import {decimals, fmt, dataNum, fold, slug} from '../../src/format.js';

test('decimals: whole for counts, kronor, area types; by magnitude otherwise (boundaries 10 and 100)', () => {
  assert.equal(decimals(12345.6, 'count'), 0);
  assert.equal(decimals(0.5, 'SEK'), 0);
  assert.equal(decimals(3, 'type'), 0);
  assert.equal(decimals(100, '%'), 0);
  assert.equal(decimals(99.99, '%'), 1);
  assert.equal(decimals(10, '%'), 1);
  assert.equal(decimals(9.999, '%'), 2);
  assert.equal(decimals(-10, '%'), 1);
});
test('fmt: Swedish and English display text', () => {
  assert.equal(fmt(11, '%', 'sv'), '11,0');
  assert.equal(fmt(11, '%', 'en'), '11.0');
  assert.equal(fmt(40000, 'count', 'sv'), '40\u00a0000');
  assert.equal(fmt(40000, 'count', 'en'), '40,000');
  assert.equal(fmt(0.215, 'index', 'sv'), '0,22');
  assert.equal(fmt(null, '%', 'sv'), '');
  assert.equal(fmt(NaN, '%', 'sv'), '');
});
test('dataNum: file text without thousands separators, decimal point or comma', () => {
  assert.equal(dataNum(12.345, '%'), '12.3');
  assert.equal(dataNum(12.345, '%', true), '12,3');
  assert.equal(dataNum(40000, 'count', true), '40000');
  assert.equal(dataNum(-0.001, '%'), '0.00');
  assert.equal(dataNum(null, '%'), '');
});
test('fold: case and diacritics ignored, hyphens as spaces', () => {
  assert.equal(fold('Malmö'), 'malmo');
  assert.equal(fold('GÄVLE'), 'gavle');
  assert.equal(fold('Åre'), 'are');
  assert.equal(fold('Odenslunda norra-Frestaby'), 'odenslunda norra frestaby');
  assert.equal(fold('  Upplands   Väsby '), 'upplands vasby');
});
test('slug: ASCII file-name part', () => {
  assert.equal(slug('Låg ekonomisk standard 2023, kommun'), 'lag-ekonomisk-standard-2023-kommun');
  assert.equal(slug('1–2 Socioekonomiska utmaningar'), '1-2-socioekonomiska-utmaningar');
});
