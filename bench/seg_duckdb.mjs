// DuckDB peer for bench_seg: the same Poisson-bootstrap ojämlikhetsindex per
// kommun and län and year, in SQL.  DuckDB has no Poisson generator, so a
// replicate count is the normal approximation round(max(0, n + sqrt(n) Z))
// with Z from Box-Muller; otherwise the work is the same: draw every
// DeSO x {q1, q5} cell per replicate, sum per unit, 50 sum |q1/Q1 - q5/Q5|,
// then the standard deviation and 2.5/97.5 % quantiles per unit and year.
// usage: node seg_duckdb.mjs QUINTILES_CSV REPLICATES THREADS
import { DuckDBInstance } from '@duckdb/node-api';

const [file, reps = '50', threads = '2'] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await db.connect();
const t0 = performance.now();
await con.run(`CREATE TABLE c AS SELECT year, deso, substr(deso, 1, 4) AS kommun,
                 substr(deso, 1, 2) AS lan, q1, q5 FROM read_csv('${file}')`);
const t1 = performance.now();
await con.run(`CREATE TABLE d AS SELECT year, kommun, lan, deso, rep,
  greatest(0, round(q1 + sqrt(q1) * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))) AS x,
  greatest(0, round(q5 + sqrt(q5) * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))) AS y
  FROM c, range(${Number(reps)}) r(rep)`);
let rows = 0;
for (const unit of ['kommun', 'lan']) {
  const r = await con.runAndReadAll(`
    WITH tot AS (SELECT year, ${unit} AS u, rep, sum(x) AS sx, sum(y) AS sy FROM d GROUP BY ALL),
    v AS (SELECT d.year, d.${unit} AS u, d.rep, 50 * sum(abs(x / sx - y / sy)) AS val
          FROM d JOIN tot ON d.year = tot.year AND d.${unit} = tot.u AND d.rep = tot.rep
          GROUP BY ALL)
    SELECT year, u, stddev_samp(val) AS se, quantile_cont(val, 0.025) AS lo,
           quantile_cont(val, 0.975) AS hi FROM v GROUP BY ALL`);
  rows += r.getRows().length;
}
const t2 = performance.now();
console.log(JSON.stringify({ rows, load_s: (t1 - t0) / 1000, run_s: (t2 - t1) / 1000 }));
