/**
 * Bench section `transactions`: the transactions Spark job on N generated rows (default 1,000,000) against the native Spark anchor
 * (read + cast + dedupe + MERGE of the same file) and DuckDB's own CSV-to-Parquet COPY, in the same run.
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeTransactionsCsv } from '../generate';
import type { BenchContext, BenchSection } from './bench';
import { jobAgainstAnchor, landFile } from './spark-etl';

async function duckdbCopy(csv: string, parquet: string): Promise<{ ms: number; rows: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
    const t0 = performance.now();
    await conn.run(`COPY (SELECT * FROM read_csv(${lit(csv)})) TO ${lit(parquet)} (FORMAT parquet)`);
    const ms = performance.now() - t0;
    const r = await conn.runAndReadAll(`SELECT count(*) FROM read_parquet(${lit(parquet)})`);
    return { ms, rows: Number(r.getRows()[0]?.[0] ?? 0) };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function run(b: BenchContext): Promise<void> {
  const rows = Number(b.options.rows ?? 1_000_000);
  b.ensureToolchain();
  const csv = join(b.scratch, 'orders_export_bench.csv');
  b.log(`writing ${rows.toLocaleString('en-US')} transaction rows to ${csv} ...`);
  const written = await writeTransactionsCsv(csv, rows, 7, { days: 30 });
  b.figure({
    label: 'CSV generated',
    value: written.rows,
    unit: 'rows',
    note: `${(written.bytes / 1048576).toFixed(0)} MiB in ${(written.ms / 1000).toFixed(1)} s`,
  });
  const landed = await landFile(b, 'transactions', csv);
  const report = await jobAgainstAnchor(b, 'transactions', landed);
  const sparkRowsPerS = (report.input_rows / report.duration_ms) * 1000;

  b.log("running DuckDB's COPY (SELECT * FROM read_csv(...)) TO parquet ...");
  const duck = await duckdbCopy(landed, join(b.scratch, 'duckdb.parquet'));
  const duckRowsPerS = (duck.rows / duck.ms) * 1000;
  b.figure({ label: 'DuckDB CSV -> Parquet COPY', value: duck.ms / 1000, unit: 's' });
  b.figure({
    label: 'DuckDB CSV -> Parquet COPY throughput',
    value: duckRowsPerS,
    unit: 'rows/s',
    note: `${duck.rows} rows`,
  });
  b.figure({
    label: 'ratio DuckDB / Spark job (run report)',
    value: duckRowsPerS / sparkRowsPerS,
    unit: 'x',
    note: 'the job also validates, deduplicates, enriches and MERGEs into Iceberg',
  });
}

export const transactionsSection: BenchSection = {
  name: 'transactions',
  title: 'Transactions job vs native Spark anchor and DuckDB CSV -> Parquet',
  run,
};
