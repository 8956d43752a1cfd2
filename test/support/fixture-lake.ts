/**
 * The shared fixture lake of the jest suite: built ONCE (jest globalSetup, test/support/global-setup.ts) by the real
 * CLI, `lake generate` (small, fixed seed and start day) then `lake etl --json` (real local Spark + Iceberg), into
 * .lake-test/fixture-<hash>/, where the hash covers everything that shapes the lake (generator, contracts, jobs,
 * landing code, the parameters below). A later jest run with the same inputs reuses it (seconds, not a minute).
 *
 * Tests read it with `fixtureLake()` (never write into it); a test that writes (ingest, a second ETL run) takes a
 * private copy with `copyFixtureLake()`. The Iceberg reader rebases paths, so copies read like the original.
 *
 * If the build failed, `fixtureLake()` throws the build's error, so only the tests that need the lake fail.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { tryPidLock } from '../../lib/local/pid-lock';
import type { RunReport } from '../../lib/local/runner';
import type { LakeSummary } from '../../lib/generate';

export const repoRoot = join(__dirname, '..', '..');
export const lakeCli = join(repoRoot, 'bin', 'lake.js');
export const fixtureRoot = join(repoRoot, '.lake-test');

/** What the fixture is generated with (fixed start day: the same lake on every machine, every day). */
export const fixtureParams = { days: 2, scale: 0.25, seed: 7, start: '2025-03-03', badRate: 0.04 } as const;

export interface FixtureLake {
  readonly home: string;
  readonly key: string;
  readonly params: typeof fixtureParams;
  readonly builtAt: string;
  readonly buildMs: number;
  /** `lake generate --json` output: what was generated and landed */
  readonly generation: { summary: LakeSummary; landed: unknown };
  /** the run reports of `lake etl --json`, as printed */
  readonly reports: RunReport[];
  readonly etlExitCode: number;
}

/** Files whose content shapes the fixture lake. */
function inputFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string, ok: (f: string) => boolean): void => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (e === '__pycache__' || e.startsWith('.')) continue;
      if (statSync(p).isDirectory()) walk(p, ok);
      else if (ok(p)) out.push(p);
    }
  };
  walk(join(repoRoot, 'lib', 'generate'), (f) => f.endsWith('.ts'));
  walk(join(repoRoot, 'lib', 'contracts'), (f) => f.endsWith('.ts'));
  walk(join(repoRoot, 'glue-jobs', 'lake_jobs'), (f) => f.endsWith('.py') || f.endsWith('.json'));
  for (const f of [
    'lib/local/ingest.ts',
    'lib/local/land.ts',
    'lib/local/runner.ts',
    'lib/cli/options.ts',
    'lib/cli/etl-run.ts',
    'lib/cli/commands/generate.ts',
    'lib/cli/commands/etl.ts',
    'glue-jobs/requirements.lock',
  ]) {
    out.push(join(repoRoot, f));
  }
  return out;
}

export function fixtureKey(): string {
  const h = createHash('sha256').update(JSON.stringify(fixtureParams));
  for (const f of inputFiles()) {
    h.update(relative(repoRoot, f));
    h.update(existsSync(f) ? readFileSync(f) : Buffer.alloc(0));
  }
  return h.digest('hex').slice(0, 16);
}

export function fixtureDir(key = fixtureKey()): string {
  return join(fixtureRoot, `fixture-${key}`);
}

const errorFile = (key: string): string => join(fixtureRoot, `fixture-${key}.error.txt`);

function lake(home: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [lakeCli, '--home', home, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Builds the fixture lake unless a build with the same inputs exists; returns it. Safe to call concurrently. */
export function ensureFixtureLake(
  log: (line: string) => void = () => undefined,
  key = fixtureKey(),
): FixtureLake {
  const dir = fixtureDir(key);
  if (existsSync(join(dir, 'fixture.json'))) return readFixture(dir);
  mkdirSync(fixtureRoot, { recursive: true });
  const lock = join(fixtureRoot, `fixture-${key}.lock`);
  let held = tryPidLock(lock, 'fixture build lock');
  if (!held.taken) {
    // another jest run is building the same lake: wait for it rather than building it twice
    log(`waiting for the fixture build of another jest run (${lock}) ...`);
    const until = Date.now() + 15 * 60_000;
    while (Date.now() < until && existsSync(lock) && !existsSync(join(dir, 'fixture.json'))) sleepSync(500);
    if (existsSync(join(dir, 'fixture.json'))) return readFixture(dir);
    held = tryPidLock(lock, 'fixture build lock');
    if (!held.taken) throw new Error(`the fixture build lock ${lock} is still held`);
  }
  try {
    return buildFixture(key, dir, log);
  } finally {
    held.release();
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function buildFixture(key: string, dir: string, log: (line: string) => void): FixtureLake {
  if (existsSync(join(dir, 'fixture.json'))) return readFixture(dir);
  rmSync(errorFile(key), { force: true });
  const tmp = mkdtempSync(join(fixtureRoot, `building-${key}-`));
  const home = join(tmp, 'lake');
  const t0 = Date.now();
  try {
    log(`building the fixture lake ${dir} (lake generate + lake etl on local Spark) ...`);
    const p = fixtureParams;
    const gen = lake(home, [
      'generate',
      '--days',
      String(p.days),
      '--scale',
      String(p.scale),
      '--seed',
      String(p.seed),
      '--start',
      p.start,
      '--bad-rate',
      String(p.badRate),
      '--empty-files',
      '--json',
    ]);
    if (gen.status !== 0)
      throw new Error(`lake generate failed (exit ${gen.status}):\n${gen.stderr.slice(-4000)}`);
    const etl = lake(home, ['etl', '--json', '--quiet']);
    const reports = etl.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as RunReport);
    if (reports.length === 0)
      throw new Error(`lake etl printed no run report (exit ${etl.status}):\n${etl.stderr.slice(-4000)}`);
    const fixture = {
      home: 'lake',
      key,
      params: p,
      builtAt: new Date().toISOString(),
      buildMs: Date.now() - t0,
      generation: JSON.parse(gen.stdout) as FixtureLake['generation'],
      reports,
      etlExitCode: etl.status,
    };
    writeFileSync(join(tmp, 'fixture.json'), `${JSON.stringify(fixture, null, 2)}\n`);
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // another jest run finished the same build first
      if (!existsSync(join(dir, 'fixture.json'))) throw e;
      rmSync(tmp, { recursive: true, force: true });
    }
    pruneOldFixtures(key);
    log(`fixture lake ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return readFixture(dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    writeFileSync(errorFile(key), e instanceof Error ? e.message : String(e));
    throw e;
  }
}

/** Fixture builds of other inputs, older than a day, are removed. */
function pruneOldFixtures(current: string): void {
  for (const e of readdirSync(fixtureRoot)) {
    if (!e.startsWith('fixture-') || e.endsWith('.lock') || e.includes(current)) continue;
    const p = join(fixtureRoot, e);
    if (Date.now() - statSync(p).mtimeMs > 86_400_000) rmSync(p, { recursive: true, force: true });
  }
}

function readFixture(dir: string): FixtureLake {
  const f = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as FixtureLake;
  return { ...f, home: join(dir, f.home) };
}

/**
 * Set by the global setup to the fixture it built (or the error file), so that every test worker of the run reads
 * that same build even if the inputs change on disk while the suite runs.
 */
export const fixtureEnv = 'LAKE_TEST_FIXTURE_KEY';

/** The shared fixture lake (read-only). Throws the build error when the global setup could not build it. */
export function fixtureLake(): FixtureLake {
  const key = process.env[fixtureEnv] ?? fixtureKey();
  const dir = fixtureDir(key);
  if (existsSync(join(dir, 'fixture.json'))) return readFixture(dir);
  const err = existsSync(errorFile(key))
    ? readFileSync(errorFile(key), 'utf8')
    : 'it was not built (is test/support/global-setup.ts the jest globalSetup?)';
  throw new Error(`the fixture lake is not available: ${err}`);
}

/** The run report of a table in the fixture build. */
export function fixtureReport(f: FixtureLake, dataset: string): RunReport | undefined {
  return f.reports.find((r) => r.dataset === dataset);
}

/** A private, writable copy of the fixture lake; `cleanup()` removes it. */
export function copyFixtureLake(): { home: string; fixture: FixtureLake; cleanup(): void } {
  const fixture = fixtureLake();
  const dir = mkdtempSync(join(tmpdir(), 'lake-fixture-copy-'));
  const home = join(dir, 'lake');
  cpSync(fixture.home, home, { recursive: true });
  return { home, fixture, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the real CLI (`node bin/lake.js ...`). */
export function runLake(
  args: readonly string[],
  opts: { home?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): { status: number; stdout: string; stderr: string } {
  const full = opts.home ? ['--home', opts.home, ...args] : [...args];
  const r = spawnSync(process.execPath, [lakeCli, ...full], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    input: opts.input,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
