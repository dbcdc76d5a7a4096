// Colour classes (web/src/scales.js) against hand-computed values.
import test from 'node:test';
import assert from 'node:assert/strict';
import {breaks, classOf, SEQ, DIV, luminance, contrast, inkFor, fitTransform} from '../../src/scales.js';

test('breaks: the 1/5..4/5 quantiles by the lower-index rule', () => {
  // n = 10, indexes floor(k*10/5) = 2, 4, 6, 8 of the sorted values
  assert.deepEqual(breaks([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), [3, 5, 7, 9]);
  // n = 7: floor(7/5)=1, floor(14/5)=2, floor(21/5)=4, floor(28/5)=5
  assert.deepEqual(breaks([0, 1, 2, 3, 4, 5, 6]), [1, 2, 4, 5]);
  // nulls ignored; repeated values merge classes; a break equal to the minimum is dropped
  assert.deepEqual(breaks([1, null, 1, 1, 1, 2]), [2]);
  assert.deepEqual(breaks([5, 5, 5]), []);
  assert.deepEqual(breaks([]), []);
});
test('classOf: a value equal to a break goes to the upper class', () => {
  const br = [3, 5, 7, 9];
  assert.equal(classOf(1, br), 0);
  assert.equal(classOf(2.999, br), 0);
  assert.equal(classOf(3, br), 1);
  assert.equal(classOf(8.9, br), 3);
  assert.equal(classOf(9, br), 4);
  assert.equal(classOf(100, br), 4);
  assert.equal(classOf(1, []), 0);
});
test('WCAG relative luminance and contrast (black on white is 21:1)', () => {
  assert.equal(luminance('#ffffff'), 1);
  assert.equal(luminance('#000000'), 0);
  assert.equal(contrast('#000000', '#ffffff'), 21);
  assert.equal(contrast('#ffffff', '#000000'), 21);
  // #767676 on white is the well-known 4.54:1
  assert.ok(Math.abs(contrast('#767676', '#ffffff') - 4.54) < 0.01);
});
test('pattern ink keeps at least 3:1 against every class colour (WCAG 1.4.11)', () => {
  for (const c of [...SEQ, ...DIV]) assert.ok(contrast(c, inkFor(c)) >= 3, `${c} with ${inkFor(c)}`);
  assert.equal(SEQ.length, 5);
  assert.equal(DIV.length, 5);
});
test('fitTransform: bounds fill the view, centred', () => {
  // box 100x200 in 600x1000: k = 1 / max(100/600, 200/1000) = 5; centre (150, 200) -> (300, 500)
  const tr = fitTransform([[100, 100], [200, 300]], 600, 1000, 0, 40);
  assert.equal(tr.k, 5);
  assert.equal(tr.x + tr.k * 150, 300);
  assert.equal(tr.y + tr.k * 200, 500);
  // capped, and never below the whole map
  assert.equal(fitTransform([[0, 0], [0.001, 0.001]], 600, 1000, 0, 40).k, 40);
  assert.equal(fitTransform([[0, 0], [600, 1000]], 600, 1000, 0.05, 40).k, 1);
});
