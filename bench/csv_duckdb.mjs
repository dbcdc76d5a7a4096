// Peer for bench_csv: DuckDB reads the same CSV and sums every column.
// Usage: node csv_duckdb.mjs FILE THREADS
import { DuckDBInstance } from '@duckdb/node-api';
const [file, threads] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads || 1) });
const con = await db.connect();
const t0 = process.hrtime.bigint();
const cols = (await (await con.run(`DESCRIBE SELECT * FROM read_csv('${file}', header=true)`)).getRows()).map(r => r[0]);
const expr = cols.map(c => `sum("${c}")::DOUBLE`).join(' + ');
const res = await con.run(`SELECT count(*)::BIGINT, ${expr} FROM read_csv('${file}', header=true)`);
const rows = await res.getRows();
const sec = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ tool: 'duckdb', threads: Number(threads || 1), rows: Number(rows[0][0]), seconds: sec, checksum: rows[0][1] }));
