// PX (PC-Axis) download of a table (the dataset of downloads.js), after
// Statistics Sweden's "PX-file format specification" (AXIS-VERSION 2013,
// https://www.scb.se/en/services/statistical-programs-for-px-files/px-file-format/):
//   - keywords KEYWORD("subkey")="value","value";  values in double quotes,
//     which they cannot contain (a '"' becomes "'"); a list longer than a
//     line is broken after a comma; lines at most 256 characters;
//   - the mandatory keywords CHARSET … DECIMALS, MATRIX, SUBJECT-CODE,
//     SUBJECT-AREA, CONTENTS, TITLE, UNITS, STUB, HEADING, VALUES, DATA;
//   - STUB = the table's row dimensions; HEADING = the fixed selections
//     (year, sex, age, born, one value each) and the contents variable
//     (CONTVARIABLE) whose values are the measures, each with its UNITS;
//   - DATA last: the full cube in the order of STUB then HEADING, the last
//     variable varying fastest, one record per stub combination, cells
//     separated by spaces; missing cells as quoted dots: '..' too few
//     persons and '...' protected to protect other values (SCB's symbols,
//     downloads.js SYMBOL), '.' no data (a combination not in the table or
//     an empty value); their legend is in NOTE.
// Encoding UTF-8 (CODEPAGE="utf-8", as PxWeb writes it).
// Pure; read back in web/tests/unit with Px.js (npm px), an independent
// PC-Axis parser.
import {dataNum, decimals, slug} from './format.js';
import {SYMBOL} from './downloads.js';

const MAX_LINE = 256;
function q(s) { return `"${String(s ?? '').replace(/"/g, "'").replace(/[\r\n]+/g, ' ')}"`; }
// One keyword: a single text is split into quoted pieces of at most a line
// (at spaces, kept on the end of the piece, so a reader that joins the
// pieces gets the text back); a list is broken after commas.
function kw(key, vals) {
  if (!Array.isArray(vals)) {
    const s = String(vals ?? '').replace(/"/g, "'").replace(/[\r\n]+/g, ' ');
    const pieces = [];
    let rest = s;
    const first = MAX_LINE - key.length - 4;
    let lim = first;
    while (rest.length > lim) {
      let cut = rest.lastIndexOf(' ', lim - 1);
      if (cut <= 0) cut = lim - 1; else cut += 1;
      pieces.push(rest.slice(0, cut)); rest = rest.slice(cut);
      lim = MAX_LINE - 3;
    }
    pieces.push(rest);
    return `${key}=${pieces.map((p) => `"${p}"`).join('\r\n')};`;
  }
  const lines = [];
  let line = `${key}=`;
  vals.forEach((v, i) => {
    const item = q(v) + (i < vals.length - 1 ? ',' : ';');
    if (line.length + item.length > MAX_LINE && !line.endsWith('=')) { lines.push(line); line = ''; }
    line += item;
  });
  lines.push(line);
  return lines.join('\r\n');
}

export const PX_LABELS = {contents: 'Contents', noData: 'No data', subjectArea: 'Area barometer'};

export function toPx(ds, {lang = 'sv', labels = {}} = {}) {
  const L = {...PX_LABELS, ...labels};
  // Categories of each row dimension in order of first appearance.
  const cats = ds.dims.map(() => new Map());
  for (const r of ds.rows) r.keys.forEach((k, i) => { if (!cats[i].has(k.code)) cats[i].set(k.code, k.text); });
  // Variable names must be distinct; a clash gets its id added.
  const used = new Set();
  const varName = (label, id) => {
    let n = String(label || id).replace(/"/g, "'");
    if (used.has(n)) n = `${n} (${id})`;
    used.add(n);
    return n;
  };
  const stub = ds.dims.map((d) => varName(d.label, d.id));
  const fixed = ds.fixed.map((f) => varName(f.label, f.id));
  const contents = varName(L.contents, 'contents');
  const heading = [...fixed, contents];
  const out = [];
  const dec = Math.max(0, ...ds.rows.flatMap((r) => r.values.map((v, i) => (v == null || Number.isNaN(v) ? 0 : decimals(v, ds.measures[i].unit)))));
  out.push('CHARSET="ANSI";', 'AXIS-VERSION="2013";', 'CODEPAGE="utf-8";', `LANGUAGE="${lang}";`);
  out.push(`DECIMALS=${dec};`, `SHOWDECIMALS=${dec};`);
  out.push(kw('MATRIX', slug(ds.title).slice(0, 60) || 'omrade'));
  out.push('SUBJECT-CODE="OMRADE";', kw('SUBJECT-AREA', L.subjectArea));
  out.push(kw('CONTENTS', ds.title), kw('TITLE', ds.title));
  out.push(kw('UNITS', ds.measures.length === 1 ? (ds.measures[0].unitText || ds.measures[0].unit || '') : ds.measures.map((m) => m.unitText || m.unit || '').join(', ')));
  out.push(kw('STUB', stub), kw('HEADING', heading));
  out.push(kw('CONTVARIABLE', contents));
  ds.dims.forEach((d, i) => out.push(kw(`VALUES("${stub[i]}")`, [...cats[i].values()])));
  ds.fixed.forEach((f, i) => out.push(kw(`VALUES("${fixed[i]}")`, [f.text])));
  out.push(kw(`VALUES("${contents}")`, ds.measures.map((m) => m.label)));
  ds.dims.forEach((d, i) => out.push(kw(`CODES("${stub[i]}")`, [...cats[i].keys()])));
  ds.fixed.forEach((f, i) => out.push(kw(`CODES("${fixed[i]}")`, [f.code])));
  out.push(kw(`CODES("${contents}")`, ds.measures.map((m) => m.id)));
  for (const m of ds.measures) out.push(kw(`UNITS("${String(m.label).replace(/"/g, "'")}")`, m.unitText || m.unit || ''));
  if (ds.updated) out.push(kw('LAST-UPDATED', ds.updated));
  out.push(kw('SOURCE', ds.source));
  // The full cube: a map from the row dimensions' codes to the row.
  const byKey = new Map(ds.rows.map((r) => [r.keys.map((k) => k.code).join('\u0000'), r]));
  const stubCodes = cats.map((c) => [...c.keys()]);
  const records = [];
  let missing = false;
  const walk = (i, prefix) => {
    if (i === stubCodes.length) {
      const r = byKey.get(prefix.join('\u0000'));
      const cells = ds.measures.map((m, j) => {
        if (!r) { missing = true; return '"."'; }
        const sym = SYMBOL[r.status];
        if (sym) return `"${sym}"`;
        const v = r.values[j];
        if (v == null || Number.isNaN(v)) { missing = true; return '"."'; }
        return dataNum(v, m.unit);
      });
      records.push(`${cells.join(' ')} `);
      return;
    }
    for (const c of stubCodes[i]) walk(i + 1, [...prefix, c]);
  };
  walk(0, []);
  const notes = [...(ds.notes || []), ...(ds.legend || []).map(([sym, text]) => `${sym} ${text}`)];
  if (missing) notes.push(`. ${L.noData}`);
  if (notes.length) out.push(kw('NOTE', notes.join('#')));
  out.push('DATA=');
  out.push(...records);
  out[out.length - 1] = `${out[out.length - 1].trimEnd()};`;
  return out.join('\r\n') + '\r\n';
}
