// Similar kommuner (web/src/similar.js) against values computed by hand.
import test from 'node:test';
import assert from 'node:assert/strict';
import {kommunFeatures, standardise, nearest, spread, K_SIMILAR} from '../../src/similar.js';

test('features: population and the shares in area types 1-2 and 4-5, suppressed RegSO left out', () => {
  const types = [
    {code: 'aR1', kommun: '0001', area_type: 1}, {code: 'aR2', kommun: '0001', area_type: 3},
    {code: 'aR3', kommun: '0001', area_type: 5}, {code: 'bR1', kommun: '0002', area_type: 2},
    {code: 'bR2', kommun: '0002', area_type: null}, {code: 'cR1', kommun: '0003', area_type: 4},
  ];
  // aR3 has no population (suppressed): 0001 = 100 (type 1) + 300 (type 3)
  const pop = new Map([['aR1', 100], ['aR2', 300], ['bR1', 50], ['bR2', 70]]);
  const f = kommunFeatures(types, pop);
  assert.deepEqual(f.get('0001'), {pop: 400, s12: 0.25, s45: 0, missing: 1});
  // bR2 has no area type: 0002 = 50, all in type 2
  assert.deepEqual(f.get('0002'), {pop: 50, s12: 1, s45: 0, missing: 1});
  assert.equal(f.has('0003'), false, 'a kommun without any population is not compared');
});

// Four kommuner: log10 population 3, 3, 5, 5 (mean 4, SD 1), share in
// types 1-2 0, .5, 0, .5 (mean .25, SD .25), share in 4-5 all 0 (SD 0:
// z = 0).  z: A (-1,-1,0), B (-1,1,0), C (1,-1,0), D (1,1,0).
const F = new Map([['A', {pop: 1000, s12: 0, s45: 0}], ['B', {pop: 1000, s12: 0.5, s45: 0}],
  ['C', {pop: 100000, s12: 0, s45: 0}], ['D', {pop: 100000, s12: 0.5, s45: 0}]]);

test('standardised features (population SD)', () => {
  const z = standardise(F);
  const close = (a, b) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-12, `${a} vs ${b}`));
  close(z.get('A'), [-1, -1, 0]);
  close(z.get('B'), [-1, 1, 0]);
  close(z.get('C'), [1, -1, 0]);
  close(z.get('D'), [1, 1, 0]);
});

test('nearest: Euclidean distance, ties by code, the kommun itself left out', () => {
  const z = standardise(F);
  const n = nearest(z, 'A', 3);
  assert.deepEqual(n.map((x) => x.code), ['B', 'C', 'D']); // B and C both at 2: by code
  assert.ok(Math.abs(n[0].d - 2) < 1e-12 && Math.abs(n[1].d - 2) < 1e-12);
  assert.ok(Math.abs(n[2].d - 2 * Math.SQRT2) < 1e-12);
  assert.deepEqual(nearest(z, 'D', 1).map((x) => x.code), ['B']);
  assert.deepEqual(nearest(z, 'X'), []);
  assert.equal(K_SIMILAR, 10);
  assert.equal(nearest(z, 'A').length, 3, 'fewer than K other kommuner: all of them');
});

test('spread: median (even and odd count), range, missing values left out', () => {
  assert.deepEqual(spread([3, 1, 10, 2, null]), {n: 4, median: 2.5, min: 1, max: 10});
  assert.deepEqual(spread([5, 1, 3]), {n: 3, median: 3, min: 1, max: 5});
  assert.equal(spread([null, NaN]), null);
});
