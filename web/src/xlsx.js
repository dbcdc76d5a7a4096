// XLSX download of a table (the dataset of downloads.js): an Office Open
// XML workbook (ECMA-376, SpreadsheetML) with two sheets:
//   1. the table: one header row, then one row per table row; numbers as
//      numeric cells rounded as on screen (format.js decimals()) with a
//      number format of that many decimals, suppressed cells as the text
//      symbols '..' / '...' (SCB's symbols), so the sheet reads straight into
//      a statistics program;
//   2. metadata: title, unit of each measure, the fixed selections (year,
//      sex, age, born …), the row dimensions, source, notes and the legend
//      of the suppression symbols.
// Strings are inline (t="inlineStr"), so no shared-strings part is needed.
// Pure; read back in web/tests/unit with SheetJS (npm xlsx), an
// independent reader.
import {decimals} from './format.js';
import {SYMBOL} from './downloads.js';
import {zipStore} from './zip.js';

function esc(s) {
  // XML 1.0 allows only tab, LF, CR among the C0 controls.
  return String(s ?? '').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
export function colName(i) {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
// Style indexes of styles.xml below: 0 default, 1 bold, 2..4 numbers with
// 0, 1, 2 decimals.
const BOLD = 1;
const NUM_STYLE = [2, 3, 4];

function cell(ref, v, style = 0) {
  const s = style ? ` s="${style}"` : '';
  if (typeof v === 'number' && Number.isFinite(v)) return `<c r="${ref}"${s}><v>${v}</v></c>`;
  if (v == null || v === '') return '';
  return `<c r="${ref}" t="inlineStr"${s}><is><t xml:space="preserve">${esc(v)}</t></is></c>`;
}
// rows: [[value | {v, s}]] -> worksheet XML; widths: column widths in characters.
function sheet(rows, widths, freezeHeader) {
  const out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'];
  if (freezeHeader) {
    out.push('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>');
  }
  if (widths.length) out.push(`<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>`);
  out.push('<sheetData>');
  rows.forEach((r, i) => {
    const cells = r.map((c, j) => {
      const o = c !== null && typeof c === 'object' ? c : {v: c};
      return cell(`${colName(j)}${i + 1}`, o.v, o.s);
    }).join('');
    out.push(`<row r="${i + 1}">${cells}</row>`);
  });
  out.push('</sheetData></worksheet>');
  return out.join('');
}
// Sheet names: at most 31 characters, none of []:*?/\ (ECMA-376 18.2.19 and
// Excel's rule).
function sheetName(s) {
  return String(s).replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet';
}

// The metadata sheet's rows: [label, text] pairs (also used by the PX file's
// NOTE and by the tests).
export function metaRows(ds, L) {
  const rows = [[L.title, ds.title]];
  for (const m of ds.measures) if (m.unitText || m.unit) rows.push([`${L.unit}: ${m.label}`, m.unitText || m.unit]);
  for (const f of ds.fixed) rows.push([f.label, f.text]);
  rows.push([L.rows, ds.dims.map((d) => d.label).join(', ')]);
  rows.push([L.source, ds.source]);
  if (ds.updated) rows.push([L.updated, ds.updated]);
  for (const n of ds.notes || []) rows.push([L.note, n]);
  return rows;
}

export const XLSX_LABELS = {title: 'Title', unit: 'Unit', rows: 'Rows', source: 'Source', updated: 'Updated',
  note: 'Note', code: 'Code', symbol: 'Symbol', meaning: 'Meaning', sheetData: 'Table', sheetMeta: 'About the table'};

export function toXlsx(ds, {labels = {}, lang = 'sv'} = {}) {
  const L = {...XLSX_LABELS, ...labels};
  // The table sheet.
  const head = [];
  for (const d of ds.dims) { if (d.withCode) head.push({v: `${L.code} (${d.label})`, s: BOLD}); head.push({v: d.label, s: BOLD}); }
  for (const m of ds.measures) head.push({v: m.unitText ? `${m.label} (${m.unitText})` : m.label, s: BOLD});
  const data = [head];
  for (const r of ds.rows) {
    const row = [];
    r.keys.forEach((k, i) => { if (ds.dims[i].withCode) row.push(k.code); row.push(k.text); });
    const sym = SYMBOL[r.status];
    r.values.forEach((v, i) => {
      if (sym) { row.push(sym); return; }
      if (v == null || Number.isNaN(v)) { row.push(null); return; }
      const d = decimals(v, ds.measures[i].unit);
      row.push({v: Number(Number(v).toFixed(d)), s: NUM_STYLE[d]});
    });
    data.push(row);
  }
  const widths = head.map((h, j) => Math.min(60, Math.max(8, String(h.v).length + 2,
    ...data.slice(1, 200).map((r) => String((r[j] && typeof r[j] === 'object' ? r[j].v : r[j]) ?? '').length + 2))));
  // The metadata sheet.
  const meta = metaRows(ds, L).map(([k, v]) => [{v: k, s: BOLD}, v]);
  if ((ds.legend || []).length) {
    meta.push([]);
    meta.push([{v: L.symbol, s: BOLD}, {v: L.meaning, s: BOLD}]);
    for (const [sym, text] of ds.legend) meta.push([sym, text]);
  }
  const names = [sheetName(L.sheetData), sheetName(L.sheetMeta)];
  const NS = 'http://schemas.openxmlformats.org';
  return zipStore([
    ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      `<Types xmlns="${NS}/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
      '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
      '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
      '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
      '</Types>'],
    ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      `<Relationships xmlns="${NS}/package/2006/relationships">` +
      `<Relationship Id="rId1" Type="${NS}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
      `<Relationship Id="rId2" Type="${NS}/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
      '</Relationships>'],
    ['docProps/core.xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      `<cp:coreProperties xmlns:cp="${NS}/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
      `<dc:title>${esc(ds.title)}</dc:title><dc:creator>${esc(ds.source)}</dc:creator><dc:language>${esc(lang)}</dc:language>` +
      '</cp:coreProperties>'],
    ['xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      `<workbook xmlns="${NS}/spreadsheetml/2006/main" xmlns:r="${NS}/officeDocument/2006/relationships"><sheets>` +
      names.map((n, i) => `<sheet name="${esc(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
      '</sheets></workbook>'],
    ['xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      `<Relationships xmlns="${NS}/package/2006/relationships">` +
      `<Relationship Id="rId1" Type="${NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId2" Type="${NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>` +
      `<Relationship Id="rId3" Type="${NS}/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
      '</Relationships>'],
    ['xl/styles.xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      `<styleSheet xmlns="${NS}/spreadsheetml/2006/main">` +
      '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts>' +
      '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
      '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
      '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
      '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
      '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
      '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '</styleSheet>'],
    ['xl/worksheets/sheet1.xml', sheet(data, widths, true)],
    ['xl/worksheets/sheet2.xml', sheet(meta, [28, 80], false)],
  ]);
}
