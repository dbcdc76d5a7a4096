// The SQL peer of `omrade rates` for bench/rates.sh: the same linkage
// (method dec31: residence on 31 Dec before the event year, area type of the
// event year clamped to the last type year), outcomes, cells, population and
// ESP 2013 standardisation with Dobson/Byar limits, from the same CSV files.
// usage: node rates_duckdb.mjs DIR THREADS OUT.csv [scan|tables]
//   scan   (default): one query over read_csv() of every file
//   tables: what a skilled SQL user writes for repeated work: load each file
//           into a table first, keeping only the events of the outcomes and
//           years asked for (the filter before DISTINCT), then the same query
//           over the tables.  Both variants are timed as a whole (loading
//           included); bench/rates.sh reports the faster.
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, threads, out, mode = 'scan'] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await db.connect();
const esp = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500,
  5000, 4000, 2500, 1500, 1000].map((w, b) => `(${b}, ${w})`).join(',');
const f = (n) => `'${dir}/${n}'`;
const src = {
  m: `SELECT deso, regso FROM read_csv(${f('deso_regso.csv')}, header=true, columns={'deso':'VARCHAR','regso':'VARCHAR'})`,
  t: `SELECT area, year, area_type FROM read_csv(${f('types.csv')}, header=true, columns={'area':'VARCHAR','year':'INTEGER','area_type':'INTEGER'})`,
  p: `SELECT lopnr, sex, year(birth_date) AS by FROM read_csv(${f('persons.csv')}, header=true,
        columns={'lopnr':'BIGINT','sex':'INTEGER','birth_date':'DATE','country_group':'VARCHAR','death_date':'DATE'})`,
  r: `SELECT lopnr, year, deso FROM read_csv(${f('residence.csv')}, header=true, columns={'lopnr':'BIGINT','year':'INTEGER','deso':'VARCHAR'})`,
  ev: `SELECT lopnr, date, code FROM read_csv(${f('events.csv')}, header=true, columns={'lopnr':'BIGINT','date':'DATE','code':'VARCHAR'})`,
};
const prefixes = ['I21', 'I22', 'C'];
if (mode === 'tables') {
  for (const k of ['m', 't', 'p', 'r'])
    await con.run(`CREATE TABLE ${k}_tab AS ${src[k]}`);
  const want = prefixes.map((x) => `starts_with(code, '${x}')`).join(' OR ');
  await con.run(`CREATE TABLE ev_tab AS SELECT DISTINCT lopnr, date, code FROM (${src.ev}) WHERE (${want})
                 AND year(date) BETWEEN (SELECT min(year) + 1 FROM r_tab) AND (SELECT max(year) + 1 FROM r_tab)`);
  for (const k of ['m', 't', 'p', 'r', 'ev'])
    src[k] = `SELECT * FROM ${k}_tab`;
} else if (mode !== 'scan') {
  throw new Error(`expected mode scan or tables, found '${mode}'`);
}
const sql = `
COPY (
WITH
 m AS (${src.m}),
 t AS (${src.t}),
 p AS (${src.p}),
 r AS (${src.r}),
 lim AS (SELECT min(year) + 1 AS y0, max(year) + 1 AS y1 FROM r),
 ty AS (SELECT max(year) AS tmax, min(year) AS tmin FROM t),
 oc(outcome, prefix) AS (VALUES ('ami','I21'),('ami','I22'),('cancer','C')),
 esp(band, w) AS (VALUES ${esp}),
 e AS (SELECT DISTINCT lopnr, date, code FROM (${src.ev}), lim
       WHERE year(date) BETWEEN lim.y0 AND lim.y1),
 eo AS (SELECT DISTINCT e.lopnr, e.date, e.code, oc.outcome FROM e JOIN oc ON starts_with(e.code, oc.prefix)),
 ev AS (SELECT eo.outcome, year(eo.date) AS y, eo.lopnr, p.sex,
               least(greatest(year(eo.date) - p.by, 0) // 5, 18) AS band, t.area_type
        FROM eo JOIN p ON p.lopnr = eo.lopnr
        JOIN r ON r.lopnr = eo.lopnr AND r.year = year(eo.date) - 1
        JOIN m ON m.deso = r.deso, ty
        JOIN t ON t.area = m.regso AND t.year = least(greatest(year(eo.date), ty.tmin), ty.tmax)),
 evc AS (SELECT outcome, y, area_type, sex, band, count(*) AS events FROM ev GROUP BY ALL),
 per AS (SELECT outcome, y, area_type, sex, count(DISTINCT lopnr) AS persons FROM ev GROUP BY ALL),
 pop AS (SELECT r.year + 1 AS y, t.area_type, p.sex,
                least(greatest(r.year + 1 - p.by, 0) // 5, 18) AS band, count(*) AS pop
         FROM r JOIN p ON p.lopnr = r.lopnr JOIN m ON m.deso = r.deso, ty
         JOIN t ON t.area = m.regso AND t.year = least(greatest(r.year + 1, ty.tmin), ty.tmax)
         GROUP BY ALL),
 o AS (SELECT DISTINCT outcome FROM oc),
 cube AS (SELECT o.outcome, pop.y, pop.area_type, pop.sex, pop.band, pop.pop, coalesce(evc.events, 0) AS events
          FROM pop CROSS JOIN o
          LEFT JOIN evc ON evc.outcome = o.outcome AND evc.y = pop.y AND evc.area_type = pop.area_type
                       AND evc.sex = pop.sex AND evc.band = pop.band),
 agg AS (SELECT outcome, y, area_type, sex, sum(events) AS events, sum(pop) AS pop,
                sum(esp.w * events / pop) / 100000 AS dsr0,
                sum(esp.w * esp.w * events / (pop * pop)) / 1e10 AS var0
         FROM cube JOIN esp USING (band) GROUP BY ALL),
 z AS (SELECT 1.959963984540054 AS z)
SELECT agg.outcome, agg.y AS year, agg.area_type, agg.sex, agg.events, coalesce(per.persons, 0) AS persons, agg.pop,
       agg.events / agg.pop * 1e5 AS rate,
       CASE WHEN agg.events >= 10 THEN dsr0 * 1e5 END AS dsr,
       CASE WHEN agg.events >= 10 THEN (dsr0 + sqrt(var0 / agg.events) *
            (agg.events * pow(1 - 1 / (9 * agg.events) - z / (3 * sqrt(agg.events)), 3) - agg.events)) * 1e5 END AS dsr_lower,
       CASE WHEN agg.events >= 10 THEN (dsr0 + sqrt(var0 / agg.events) *
            ((agg.events + 1) * pow(1 - 1 / (9 * (agg.events + 1)) + z / (3 * sqrt(agg.events + 1)), 3) - agg.events)) * 1e5 END AS dsr_upper
FROM agg LEFT JOIN per USING (outcome, y, area_type, sex), z
ORDER BY 1, 2, 3, 4
) TO '${out}' (HEADER);`;
await con.run(sql);
const res = await con.runAndReadAll(`SELECT sum(events)::BIGINT, sum(pop)::BIGINT, count(*)::BIGINT FROM read_csv('${out}')`);
console.log(`duckdb (${mode}): events ${res.getRows()[0][0]} pop ${res.getRows()[0][1]} cells ${res.getRows()[0][2]}`);
