// Routes and the language in the URL (web/src/router.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import {parseHash, buildHash, known} from '../../src/router.js';

test('parseHash: language first, then the view', () => {
  const r = parseHash('#/en/omrade/0114?x=1', 'sv');
  assert.equal(r.lang, 'en');
  assert.equal(r.explicit, true);
  assert.deepEqual(r.parts, ['omrade', '0114']);
  assert.equal(r.params.get('x'), '1');
});
test('parseHash: a link without a language takes the fallback; empty is the map', () => {
  assert.deepEqual({...parseHash('', 'en'), params: null}, {lang: 'en', explicit: false, parts: ['karta'], params: null});
  const r = parseHash('#/karta?ind=low_econ', 'sv');
  assert.equal(r.lang, 'sv');
  assert.equal(r.explicit, false);
  assert.deepEqual(r.parts, ['karta']);
  assert.deepEqual(parseHash('#/sv', 'en').parts, ['karta']);
});
test('buildHash and parseHash are inverse', () => {
  const h = buildHash('sv', ['karta'], {ind: 'low_econ', year: '2023', sel: '0114'});
  assert.equal(h, '#/sv/karta?ind=low_econ&year=2023&sel=0114');
  const r = parseHash(h, 'en');
  assert.equal(r.lang, 'sv');
  assert.equal(r.params.get('sel'), '0114');
  assert.equal(buildHash('en', ['om']), '#/en/om');
});
test('known: the views and area codes; anything else is a bad link', () => {
  for (const p of [['karta'], ['typer'], ['forandring'], ['om'], ['tillganglighet'], ['omrade', '00'], ['omrade', '01'], ['omrade', '0114'], ['omrade', '0114R001']]) assert.ok(known(p), p.join('/'));
  for (const p of [['nope'], ['omrade'], ['omrade', 'x'], ['omrade', '011'], ['omrade', '0114', 'x'], ['karta', 'x']]) assert.ok(!known(p), p.join('/'));
});
