#!/usr/bin/env python3
"""Build the small .xlsx seeds of fuzz/corpus/xlsx/ (deterministic: fixed
timestamps).  Run from the repository root: python3 fuzz/make_xlsx_corpus.py"""
import zipfile

NS = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
WB = ('<?xml version="1.0" encoding="utf-8"?><x:workbook ' + NS +
      ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
      '<x:sheets><x:sheet name="T" sheetId="2" r:id="rId2"/></x:sheets></x:workbook>')
RELS = ('<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '</Relationships>')


def sst(strings):
    return ('<?xml version="1.0" encoding="utf-8"?><x:sst ' + NS + '>' +
            ''.join('<x:si><x:t>%s</x:t></x:si>' % s for s in strings) + '</x:sst>')


def cell(ref, v):
    if isinstance(v, int) and not isinstance(v, bool):
        return '<x:c r="%s" t="s"><x:v>%d</x:v></x:c>' % (ref, v)
    if isinstance(v, float):
        return '<x:c r="%s" t="n"><x:v>%r</x:v></x:c>' % (ref, v)
    return '<x:c r="%s" t="inlineStr"><x:is><x:t>%s</x:t></x:is></x:c>' % (ref, v)


def sheet(rows):
    out = []
    for r, cells in rows:
        out.append('<x:row r="%d">' % r + ''.join(cell(ref, v) for ref, v in cells) + '</x:row>')
    return '<?xml version="1.0" encoding="utf-8"?><x:worksheet ' + NS + '><x:sheetData>' + ''.join(out) + '</x:sheetData></x:worksheet>'


def write(path, sheet_xml, sst_xml):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, body in [('xl/workbook.xml', WB), ('xl/_rels/workbook.xml.rels', RELS),
                           ('xl/worksheets/sheet1.xml', sheet_xml), ('xl/sharedStrings.xml', sst_xml)]:
            info = zipfile.ZipInfo(name, date_time=(2024, 8, 13, 15, 29, 32))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, body)


strings = ['Antal hushåll efter region, år och hushållstyp', '2022', 'med barn', 'utan barn',
           '0114A0010', '0114C1010', 'Källa:', 'SCB', 'Intern referenskod:', '000005F8']
write('fuzz/corpus/xlsx/scb-style.xlsx', sheet([
    (1, [('A1', 0)]),
    (3, [('B3', 1)]),
    (4, [('B4', 2), ('C4', 3)]),
    (5, [('A5', 4), ('B5', 88.0), ('C5', 85.0)]),
    (6, [('A6', 5), ('B6', 218.0), ('C6', '..')]),
    (8, [('A8', 6)]), (9, [('A9', 7)]), (10, [('A10', 8)]), (11, [('A11', 9)]),
]), sst(strings))
write('fuzz/corpus/xlsx/year-stub.xlsx', sheet([
    (1, [('A1', 'Folkmängden per region efter år, region och kön')]),
    (3, [('C3', 'totalt')]),
    (4, [('A4', 1), ('B4', 4), ('C4', 898.0)]),
    (5, [('B5', 5), ('C5', 1565.0)]),
]), sst(strings))
write('fuzz/corpus/xlsx/long-labels.xlsx', sheet([
    (1, [('A1', 'region'), ('B1', 'kön'), ('C1', 'Antal 2021'), ('D1', 'Antal 2022')]),
    (2, [('A2', 'Upplands Väsby (Bollstanäs)'), ('B2', 'män'), ('C2', 10.0), ('D2', 11.5)]),
    (3, [('A3', 'Upplands Väsby (Bollstanäs)'), ('B3', 'kvinnor'), ('C3', 12.0), ('D3', '-')]),
]), sst(strings))


# Raw seeds for fuzz_xlsx.c: "shared strings XML \0 sheet XML" (packed into a
# workbook by the target itself).
def raw(path, sst_xml, sheet_xml):
    with open(path, 'wb') as f:
        f.write(sst_xml.encode() + b'\0' + sheet_xml.encode())


raw('fuzz/corpus/xlsx/raw-scb-style.xml', sst(strings), sheet([
    (1, [('A1', 0)]),
    (3, [('B3', 1)]),
    (4, [('B4', 2), ('C4', 3)]),
    (5, [('A5', 4), ('B5', 88.0), ('C5', 85.0)]),
    (6, [('A6', 5), ('B6', 218.0), ('C6', '..')]),
    (8, [('A8', 6)]), (9, [('A9', 7)]),
]))
raw('fuzz/corpus/xlsx/raw-rich.xml',
    '<x:sst ' + NS + '><x:si><x:r><x:t>Upplands </x:t></x:r><x:r><x:t>Väsby (Bollstanäs)</x:t></x:r>'
    '<x:rPh><x:t>x</x:t></x:rPh></x:si><x:si><x:t>2021</x:t></x:si></x:sst>',
    sheet([(1, [('B1', 1)]), (2, [('A2', 0), ('B2', 4.5)]),
           (3, [('A3', '0114A0010'), ('B3', '-')])]))
