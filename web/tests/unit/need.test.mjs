// The need-index view's pure parts (web/src/views/need.js) and its route.
import test from 'node:test';
import assert from 'node:assert/strict';
import {rankPairs, diffClasses, NEED_INDICES} from '../../src/views/need.js';
import {known} from '../../src/router.js';
import {T} from '../../src/i18n.js';

test('rankPairs: every pair once, difference B - A, largest disagreement first', () => {
  // ranks by hand: sei_6_17 3, key2013 250, cni 40 -> pairs (3,250) +247,
  // (3,40) +37, (250,40) -210; sorted by |difference|: 247, 210, 37
  const p = rankPairs([{index: 'sei_6_17', rank: 3}, {index: 'key2013', rank: 250}, {index: 'cni', rank: 40}]);
  assert.deepEqual(p.map((x) => [x.a.index, x.b.index, x.diff]),
    [['sei_6_17', 'key2013', 247], ['key2013', 'cni', -210], ['sei_6_17', 'cni', 37]]);
  assert.deepEqual(rankPairs([{index: 'cni', rank: 1}]), []);
});
test('the need view has a route and a name for every index in both languages', () => {
  assert.ok(known(['behov']));
  for (const l of ['sv', 'en']) for (const i of NEED_INDICES) assert.ok(T[l][`need_${i}`], `${l} need_${i}`);
});
test('diffClasses: limits a quarter and a tenth of the kommuner, by hand', () => {
  // n = 290: q2 = round(29) = 29, q1 = round(72.5) = 73 (Math.round: half up)
  const c = diffClasses(290);
  assert.deepEqual([c.q1, c.q2], [73, 29]);
  assert.deepEqual([-73, -72, -29, -28, 0, 28, 29, 72, 73, 289].map(c.classOf), [0, 1, 1, 2, 2, 2, 3, 3, 4, 4]);
  // n = 4: q2 = max(1, round(0.4)) = 1, q1 = max(2, round(1)) = 2
  const d = diffClasses(4);
  assert.deepEqual([d.q1, d.q2], [2, 1]);
  assert.deepEqual([-3, -2, -1, 0, 1, 2].map(d.classOf), [0, 0, 1, 2, 3, 4]);
});
test('rankPairs leaves out suppressed values (no rank)', () => {
  const p = rankPairs([{index: 'cni', rank: null, status: 'primary'}, {index: 'key2013', rank: 2}, {index: 'sei_0_5', rank: 1}]);
  assert.deepEqual(p.map((x) => [x.a.index, x.b.index, x.diff]), [['key2013', 'sei_0_5', -1]]);
});
test('the disagreement map has its strings in both languages', () => {
  for (const l of ['sv', 'en']) for (const k of ['needMap', 'needMapNote', 'noMap', 'needSup', ...[0, 1, 2, 3, 4].map((i) => `needMapClass${i}`)]) assert.ok(T[l][k], `${l} ${k}`);
});
