// The education breakdown (web/src/edu.js, i18n-edu.js, tables.js's
// fixedDims): where the select is offered, which level is in force, the
// note when it is not, the labels in both languages, and the level in the
// downloads' selection and file name.  Expected values written by hand
// from docs/barometer.md ("Education": kommun and län, main age group).
import test from 'node:test';
import assert from 'node:assert/strict';
import {EDU_LEVELS, eduChoice, eduNote} from '../../src/edu.js';
import {EDU_T} from '../../src/i18n-edu.js';
import {T, t, setLang} from '../../src/i18n.js';
import {fixedDims} from '../../src/tables.js';
import {fileName} from '../../src/downloads.js';

const ltu = {id: 'long_term_unemployment', main_age: '20-64', ages: ['20-64', '20-34'],
  edus: ['total', 'pre_upper_secondary', 'upper_secondary', 'post_secondary']};

test('the select is offered for kommun and län at the main age group', () => {
  for (const level of ['kommun', 'lan']) {
    assert.deepEqual(eduChoice(ltu, level, '20-64', 'post_secondary'),
      {edus: ['total', 'pre_upper_secondary', 'upper_secondary', 'post_secondary'], edu: 'post_secondary', reason: null});
  }
  // no level asked for, or one that does not exist: the total
  assert.equal(eduChoice(ltu, 'kommun', '20-64', null).edu, 'total');
  assert.equal(eduChoice(ltu, 'kommun', '20-64', 'phd').edu, 'total');
});
test('levels in SUN order whatever order meta gives; only those the indicator has', () => {
  const some = {...ltu, edus: ['post_secondary', 'total']};
  assert.deepEqual(eduChoice(some, 'kommun', '20-64', 'pre_upper_secondary'),
    {edus: ['total', 'post_secondary'], edu: 'total', reason: null});
});
test('not offered: no education rows, RegSO or DeSO, another age group', () => {
  for (const edus of [['total'], [], undefined]) {
    assert.deepEqual(eduChoice({...ltu, edus}, 'kommun', '20-64', 'post_secondary'), {edus: [], edu: '', reason: 'none'});
  }
  for (const level of ['regso', 'deso']) {
    assert.deepEqual(eduChoice(ltu, level, '20-64', 'post_secondary'), {edus: [], edu: 'total', reason: 'level'});
  }
  // the boundary: the cube is stored at the main age group only
  assert.deepEqual(eduChoice(ltu, 'kommun', '20-34', 'post_secondary'), {edus: [], edu: 'total', reason: 'age'});
  assert.deepEqual(eduChoice(undefined, 'kommun', 'total', 'post_secondary'), {edus: [], edu: '', reason: null});
});
test('the note says why, in both languages', () => {
  setLang('sv');
  assert.equal(eduNote('age', ltu, t), 'Uppdelning efter utbildningsnivå finns bara för åldersgruppen 20-64.');
  assert.match(eduNote('level', ltu, t), /inte per RegSO/);
  assert.equal(eduNote('none', ltu, t), 'Uppdelning efter utbildningsnivå finns inte för den här indikatorn.');
  setLang('en');
  assert.equal(eduNote('age', ltu, t), 'A breakdown by level of education is available only for the age group 20-64.');
  assert.match(eduNote('level', ltu, t), /not per RegSO/);
  assert.equal(eduNote(null, ltu, t), '');
  setLang('sv');
});
test('every level has a label in both languages, merged into the dictionary', () => {
  assert.deepEqual(Object.keys(EDU_T.sv).sort(), Object.keys(EDU_T.en).sort());
  for (const e of EDU_LEVELS) {
    for (const l of ['sv', 'en']) assert.ok(T[l][`edu_${e}`]?.trim(), `${l} edu_${e}`);
    assert.notEqual(T.sv[`edu_${e}`], T.en[`edu_${e}`]);
  }
  for (const k of Object.keys(EDU_T.sv)) assert.equal(T.sv[k], EDU_T.sv[k]);
});
test('the level in the downloads: a fixed dimension, and in the file name unless total', () => {
  setLang('sv');
  const st = {year: '2022', sex: 'total', age: '20-64', born: 'total', edu: 'post_secondary'};
  const fixed = fixedDims(st);
  assert.deepEqual(fixed.at(-1), {id: 'edu', label: 'Utbildningsnivå', code: 'post_secondary', text: 'Eftergymnasial utbildning'});
  assert.equal(fileName({title: 'Långtidsarbetslöshet 2022, Kommun', fixed}, '.csv'),
    'langtidsarbetsloshet-2022-kommun_20-64_eftergymnasial-utbildning.csv');
  assert.equal(fileName({title: 'Långtidsarbetslöshet 2022, Kommun', fixed: fixedDims({...st, edu: 'total'})}, '.csv'),
    'langtidsarbetsloshet-2022-kommun_20-64.csv');
  // an indicator without the cube: no education dimension at all
  assert.ok(!fixedDims({...st, edu: ''}).some((f) => f.id === 'edu'));
  setLang('en');
  assert.equal(fixedDims(st).at(-1).text, 'Post-secondary education');
  setLang('sv');
});
