/**
 * Bench section: the server_logs job on about N generated log lines (default 1,000,000, one file) against the native
 * Spark anchor, then a big log file (default 256 MiB, scaled; `--big-log-mb 1024` for the 1 GB figure) read by the
 * job's reader: how many tasks read it and how long it took.
 */
import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { serverLogDayFile, requestsPerScaleDay } from '../generate/server-logs';
import { DAY_MS, windowStart } from '../generate/time';
import type { BenchContext, BenchSection } from './bench';
import { generateAndLand, jobAgainstAnchor, numberOf, sparkBench } from './spark-etl';

const days = 10;

/** Writes about `lines` log lines (10 days, about 1 % malformed) to `path`; returns the bytes written. */
async function writeLogs(path: string, lines: number): Promise<number> {
  const startMs = windowStart(days);
  const scale = lines / (days * requestsPerScaleDay);
  function* chunks(): Generator<Buffer> {
    for (let d = 0; d < days; d++)
      yield serverLogDayFile({ seed: 7, dayMs: startMs + d * DAY_MS, scale, badRate: 0.01, orders: [] })
        .content;
  }
  await pipeline(chunks, createWriteStream(path));
  return (await stat(path)).size;
}

/** Appends copies of `source` to `path` until it holds at least `bytes`. */
async function writeBigCopy(source: Buffer, path: string, bytes: number): Promise<number> {
  const copies = Math.max(1, Math.ceil(bytes / source.length));
  function* chunks(): Generator<Buffer> {
    for (let i = 0; i < copies; i++) yield source;
  }
  await pipeline(chunks, createWriteStream(path));
  return copies * source.length;
}

async function run(b: BenchContext): Promise<void> {
  const lines = Number(b.options.rows ?? 1_000_000);
  const bigMiB = Number(b.options.bigLogMb ?? 256);
  b.ensureToolchain();
  const file = join(b.scratch, 'access_bench.log');
  const what = `about ${lines.toLocaleString('en-US')} log lines`;
  const landed = await generateAndLand(b, 'server_logs', file, what, () => writeLogs(file, lines));
  await jobAgainstAnchor(b, 'server_logs', landed);

  const big = join(b.scratch, 'access_big.log');
  const bigBytes = await writeBigCopy(await readFile(file), big, bigMiB * 1048576);
  b.log(`reading a ${(bigBytes / 1048576).toFixed(0)} MiB log file through the job's reader ...`);
  const split = await sparkBench(['split', '--dataset', 'server_logs', '--file', big]);
  const scaled = bigMiB < 1024 ? `scaled: ${bigMiB} MiB, run with --big-log-mb 1024 for 1 GB` : '1 GB run';
  b.figure({
    label: 'big log file read by the job reader, tasks',
    value: numberOf(split.out, 'tasks'),
    unit: 'tasks',
    note: `${(bigBytes / 1048576).toFixed(0)} MiB, ${String(split.out.max_partition_bytes)} max partition bytes; ${scaled}`,
  });
  const seconds = numberOf(split.out, 'seconds');
  b.figure({
    label: 'big log file read by the job reader, time',
    value: seconds,
    unit: 's',
    note: `${numberOf(split.out, 'records').toLocaleString('en-US')} records, ${(bigBytes / 1048576 / seconds).toFixed(0)} MiB/s; JVM start excluded`,
  });
}

export const serverLogsSection: BenchSection = {
  name: 'server_logs',
  title: 'Server logs job vs native Spark anchor; a big log file over several tasks',
  run,
};
