// The SQL peer of `omrade flows` for bench/flows.sh: the same person flows
// (residence on 31 Dec of Y-1 and Y, each year's own area types, a full
// outer self-join of residence on person and year) from the same CSV files.
// usage: node flows_duckdb.mjs DIR THREADS OUT.csv
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, threads, out] = process.argv.slice(2);
// OMRADE_DUCKDB_MEMORY (e.g. 8GB) caps DuckDB on a shared machine; default: DuckDB's own.
const opts = { threads: String(threads) };
if (process.env.OMRADE_DUCKDB_MEMORY) opts.memory_limit = process.env.OMRADE_DUCKDB_MEMORY;
const db = await DuckDBInstance.create(':memory:', opts);
const con = await db.connect();
const f = (n) => `'${dir}/${n}'`;
const sql = `
COPY (
WITH
 m AS (SELECT code AS deso, regso FROM read_csv(${f('deso.csv')}, header=true, comment='#', all_varchar=true)),
 t AS (SELECT area, TRY_CAST(year AS INTEGER) AS year, TRY_CAST(area_type AS INTEGER) AS area_type
       FROM read_csv(${f('types.csv')}, header=true, comment='#', all_varchar=true)
       WHERE TRY_CAST(area_type AS INTEGER) IS NOT NULL),
 p AS (SELECT lopnr, sex, year(birth_date) AS by, country_group FROM read_csv(${f('persons.csv')}, header=true,
        columns={'lopnr':'BIGINT','sex':'INTEGER','birth_date':'DATE','country_group':'VARCHAR','death_date':'DATE'})),
 r AS (SELECT r.lopnr, r.year, r.deso, coalesce(t.area_type, 0) AS ty
       FROM read_csv(${f('residence.csv')}, header=true, columns={'lopnr':'BIGINT','year':'INTEGER','deso':'VARCHAR'}) r
       JOIN m ON m.deso = r.deso LEFT JOIN t ON t.area = m.regso AND t.year = r.year),
 lim AS (SELECT min(year) AS y0, max(year) AS y1 FROM r),
 a AS (SELECT lopnr, year + 1 AS y, deso, ty FROM r, lim WHERE year + 1 <= lim.y1),
 b AS (SELECT lopnr, year AS y, deso, ty FROM r, lim WHERE year >= lim.y0 + 1),
 j AS (SELECT coalesce(a.lopnr, b.lopnr) AS lopnr, coalesce(a.y, b.y) AS y,
         CASE WHEN a.lopnr IS NULL THEN 'out' WHEN a.ty = 0 THEN 'untyped' ELSE a.ty::VARCHAR END AS from_type,
         CASE WHEN b.lopnr IS NULL THEN 'out' WHEN b.ty = 0 THEN 'untyped' ELSE b.ty::VARCHAR END AS to_type,
         (a.deso IS NOT NULL AND b.deso IS NOT NULL AND a.deso <> b.deso)::INTEGER AS moved
       FROM a FULL OUTER JOIN b ON a.lopnr = b.lopnr AND a.y = b.y)
SELECT j.y AS year, from_type, to_type, moved, p.sex,
       CASE WHEN j.y - p.by >= 65 THEN '65+' WHEN j.y - p.by >= 20 THEN '20-64' ELSE '0-19' END AS age_band,
       CASE WHEN p.country_group = 'sweden' THEN 'sweden'
            WHEN p.country_group IN ('nordic', 'eu', 'other') THEN 'abroad' ELSE 'unknown' END AS born,
       count(*) AS persons
FROM j JOIN p ON p.lopnr = j.lopnr
GROUP BY ALL ORDER BY ALL
) TO '${out}' (HEADER);`;
await con.run(sql);
const res = await con.runAndReadAll(`SELECT sum(persons)::BIGINT, count(*)::BIGINT FROM read_csv('${out}')`);
console.log(`duckdb: persons ${res.getRows()[0][0]} cells ${res.getRows()[0][1]}`);
