/** What the API bench sections share: a `lake serve` of their own, and p50/p99 of timed calls. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { DataRole } from '../governance/grants';
import { lakeCli, repoRoot } from '../setup/toolchain';
import { openLocalEngine, type LocalEngine } from '../local/sql-engine';
import { jsonLogger } from '../../lambdas/api/logger';
import { createKey } from '../serve/api-keys';
import { createLocalRouter } from '../serve/local-app';
import { startServer } from '../serve/server';
import type { BenchContext } from './bench';
import { percentile } from '../stream/run';

export interface BenchServer {
  readonly url: string;
  /** a key of the role asked for */
  readonly key: string;
  readonly engine: LocalEngine;
  close(): Promise<void>;
}

/** The local API over `home` on a free port of 127.0.0.1, silent and never throttled. */
export async function benchServer(home: string, role: DataRole): Promise<BenchServer> {
  const engine = await openLocalEngine(home);
  const key = createKey(home, role, 'bench').key;
  const srv = await startServer(
    createLocalRouter({
      home,
      engine,
      logger: jsonLogger({ level: 'silent' }),
      throttle: { ratePerSecond: 1e6, burst: 1e6 },
    }),
    { port: 0 },
  );
  return {
    url: srv.url,
    key,
    engine,
    close: async () => {
      await srv.close();
      await engine.close();
    },
  };
}

/** Per-call times (ms) of `fn` over `inputs`, after a warm-up over the first `warm`; sorted. */
export async function timed<T>(inputs: readonly T[], warm: number, fn: (x: T) => unknown): Promise<number[]> {
  for (const x of inputs.slice(0, warm)) await fn(x);
  const times: number[] = [];
  for (const x of inputs) {
    const s = performance.now();
    await fn(x);
    times.push(performance.now() - s);
  }
  return times.sort((a, b) => a - b);
}

/** `<label> p50` and `<label> p99` (with the note) of sorted times. */
export function percentiles(b: BenchContext, label: string, times: readonly number[], note: string): void {
  b.figure({ label: `${label} p50`, value: percentile(times, 50), unit: 'ms' });
  b.figure({ label: `${label} p99`, value: percentile(times, 99), unit: 'ms', note });
}

export interface ServeProcess {
  readonly url: string;
  readonly pid: number;
  /** the process's resident memory, MiB */
  residentMiB(): number;
  close(): Promise<void>;
}

/** A process's resident memory in MiB: /proc on Linux, `ps` elsewhere. */
export function residentMiB(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(status, 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}

/** `lake serve` over `home` as users start it, in its own process on a free port, silent and never throttled. */
export async function serveProcess(home: string): Promise<ServeProcess> {
  const args = [lakeCli, '--home', home, 'serve', '--port', '0', '--rate', '100000', '--burst', '100000'];
  const child = spawn(process.execPath, [...args, '--log-level', 'silent'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /lake API on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code) =>
      reject(new Error(`lake serve exited (${code}) before listening: ${out.slice(-500)}`)),
    );
  });
  const pid = child.pid as number;
  return {
    url,
    pid,
    residentMiB: () => residentMiB(pid),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
