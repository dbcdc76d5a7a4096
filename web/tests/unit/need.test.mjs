// The need-index view's pure parts (web/src/views/need.js) and its route.
import test from 'node:test';
import assert from 'node:assert/strict';
import {rankPairs, NEED_INDICES} from '../../src/views/need.js';
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
