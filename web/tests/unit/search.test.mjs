// Search (web/src/search.js): diacritics ignored, English names, order.
import test from 'node:test';
import assert from 'node:assert/strict';
import {makeIndex, search} from '../../src/search.js';

const idx = makeIndex([
  {code: '12', name: 'Skåne län', level: 'lan'},
  {code: '14', name: 'Västra Götalands län', level: 'lan'},
  {code: '1280', name: 'Malmö', level: 'kommun'},
  {code: '1480', name: 'Göteborg', level: 'kommun'},
  {code: '2180', name: 'Gävle', level: 'kommun'},
  {code: '0114', name: 'Upplands Väsby', level: 'kommun'},
  {code: '1280R001', name: 'Malmö centrum', level: 'regso'},
  {code: '0180R042', name: 'Södra Malmö-vägen', level: 'regso'},
  {code: '1480R010', name: 'Göteborg Centrum', level: 'regso'},
]);
const codes = (q) => search(idx, q).map((a) => a.code);

test('diacritics and case ignored', () => {
  assert.equal(codes('malmo')[0], '1280');
  assert.equal(codes('GAVLE')[0], '2180');
  assert.equal(codes('vasby')[0], '0114');
  assert.equal(codes('skane')[0], '12');
});
test('English names of large cities and regions', () => {
  assert.equal(codes('Gothenburg')[0], '1480');
  assert.deepEqual(codes('gothenburg'), ['1480', '1480R010']);
  assert.equal(codes('Malmo')[0], '1280');
  assert.equal(codes('Scania')[0], '12');
  assert.equal(codes('West Gothia')[0], '14');
});
test('order: exact, prefix, word start, anywhere; kommun before RegSO', () => {
  assert.deepEqual(codes('malmö'), ['1280', '1280R001', '0180R042']);
  assert.equal(codes('0114')[0], '0114');
  assert.deepEqual(codes(''), []);
  assert.deepEqual(codes('zzz'), []);
  assert.equal(search(idx, 'a', 2).length, 2);
});
