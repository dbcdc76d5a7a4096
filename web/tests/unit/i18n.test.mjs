// Interface strings (web/src/i18n.js): every key in both languages, every
// key used in web/src defined, every label translated.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {T, t, setLang, unitText, areaName} from '../../src/i18n.js';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
const files = (d) => fs.readdirSync(d, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? files(path.join(d, e.name)) : e.name.endsWith('.js') ? [path.join(d, e.name)] : []));

test('every key in both languages, of the same shape, not empty', () => {
  assert.deepEqual(Object.keys(T.sv).sort(), Object.keys(T.en).sort());
  for (const k of Object.keys(T.sv)) {
    const a = T.sv[k], b = T.en[k];
    assert.equal(Array.isArray(a), Array.isArray(b), k);
    if (Array.isArray(a)) { assert.equal(a.length, b.length, k); for (const x of [...a, ...b]) assert.ok(x.trim(), k); }
    else { assert.equal(typeof a, 'string', k); assert.ok(a.trim() && b.trim(), k); }
  }
});
test('every label translated (equal only for names, codes and symbols)', () => {
  const same = new Set(['regso', 'sei', 'csv', 'xlsx', 'index', 'csvUtf8', 'jsonstat', 'apiLink', 'legendPrimaryMark', 'legendSecondaryMark', 'unit_index', 'unit_SEK']);
  for (const k of Object.keys(T.sv)) if (!same.has(k)) assert.notDeepEqual(T.sv[k], T.en[k], `${k} is the same in Swedish and English`);
});
test("every t('key') in web/src exists, and the keys built from data", () => {
  const used = new Set();
  for (const f of files(src)) for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bt\('([A-Za-z0-9_]+)'\)/g)) used.add(m[1]);
  assert.ok(used.size > 80, `found ${used.size} keys`);
  for (const k of used) assert.ok(k in T.sv, `t('${k}') is not defined`);
  // keys made from values: area types, levels, breakdowns, flags, units
  for (const k of ['type1', 'type2', 'type3', 'type4', 'type5', 'type12', 'lan', 'kommun', 'regso', 'riket', 'total', 'man', 'woman', 'sweden', 'abroad',
    'primary', 'secondary', 'suppressed', 'flag_few_deso', 'flag_few_persons', 'flag_empty_group', 'flag_large_bias', 'flag_bootstrap_bias',
    'unit_points', 'unit_days', 'unit_SEK', 'unit_count', 'unit_mean', 'unit_type']) assert.ok(k in T.sv && k in T.en, k);
});
test('t, units and Riket follow the language', () => {
  setLang('en');
  assert.equal(t('riket'), 'Sweden');
  assert.equal(unitText('points'), 'points');
  assert.equal(unitText('%'), '%');
  assert.equal(areaName('00', 'Riket'), 'Sweden');
  assert.equal(areaName('0114', 'Upplands Väsby'), 'Upplands Väsby');
  setLang('sv');
  assert.equal(unitText('points'), 'poäng');
  assert.equal(unitText('days'), 'dagar');
  assert.equal(areaName('00', 'Riket'), 'Riket');
  setLang('xx');
  assert.equal(t('riket'), 'Riket');
});
