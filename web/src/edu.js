// The education breakdown of the map view (issue 14): where the database
// has the education cube and which level is in force.  `omrade build`
// stores it for an indicator's education rows only (meta's `edus` lists
// the levels an indicator has), from kommun up (RegSO are too small for
// it) and only at the indicator's main age group (docs/barometer.md,
// "Education").  Pure (web/tests/unit/edu.test.mjs).
export const EDU_LEVELS = ['total', 'pre_upper_secondary', 'upper_secondary', 'post_secondary'];

// ind: an indicator of api.js's meta() (edus, main_age); level: the map's
// level; age: the age group in force; wanted: the level asked for (URL).
// Returns {edus, edu, reason}: the levels to offer in the select (none
// when the cube does not exist here), the level in force ('' for an
// indicator without the cube, so it stays out of the URL and the files;
// 'total' where the cube exists elsewhere), and why there is no select:
// 'none' (the indicator has no education rows), 'level' (RegSO or DeSO),
// 'age' (not the main age group), else null.
export function eduChoice(ind, level, age, wanted) {
  const have = ind && Array.isArray(ind.edus) ? ind.edus : [];
  if (!ind || !have.some((e) => e !== 'total' && EDU_LEVELS.includes(e))) return {edus: [], edu: '', reason: ind ? 'none' : null};
  if (level !== 'lan' && level !== 'kommun' && level !== 'riket') return {edus: [], edu: 'total', reason: 'level'};
  if (age !== ind.main_age) return {edus: [], edu: 'total', reason: 'age'};
  const edus = EDU_LEVELS.filter((e) => e === 'total' || have.includes(e));
  return {edus, edu: edus.includes(wanted) ? wanted : 'total', reason: null};
}

// The note that says why there is no education select (t: i18n's t).
export function eduNote(reason, ind, t) {
  if (reason === 'none') return t('eduNone');
  if (reason === 'level') return t('eduLevel');
  if (reason === 'age') return t('eduAge').replace('{age}', ind.main_age);
  return '';
}
