/**
 * Installs what the local runtime needs, idempotently: the Python environment (pinned by
 * glue-jobs/requirements.lock, with the lake_jobs package installed editable) and the Iceberg Spark runtime
 * jar (fetched by Maven from the configured registry, never committed). Each step is skipped when its stamp
 * matches, so a second call costs milliseconds.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');
export const venvDir = join(repoRoot, '.venv');
export const venvPython = join(venvDir, 'bin', 'python');
export const icebergArtifact = 'org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.10.0';
export const jarsDir = join(repoRoot, '.tools', 'jars');
export const icebergJar = join(jarsDir, 'iceberg-spark-runtime-3.5_2.12-1.10.0.jar');

type Log = (line: string) => void;

function run(cmd: string, args: string[], log: Log): void {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.error) throw new Error(`setup: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(
      `setup: '${cmd} ${args.join(' ')}' failed (exit ${r.status}):\n${(r.stderr || r.stdout).slice(-4000)}`,
    );
  }
}

function stampMatches(stamp: string, value: string): boolean {
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === value;
}

export function ensurePythonEnv(log: Log): void {
  const lock = readFileSync(join(repoRoot, 'glue-jobs', 'requirements.lock'), 'utf8');
  const pyproject = readFileSync(join(repoRoot, 'glue-jobs', 'pyproject.toml'), 'utf8');
  const want = createHash('sha256').update(lock).update(pyproject).digest('hex');
  const stamp = join(venvDir, '.lake-stamp');
  if (existsSync(venvPython) && stampMatches(stamp, want)) return;
  if (!existsSync(venvPython)) run('python3', ['-m', 'venv', venvDir], log);
  run(venvPython, ['-m', 'pip', 'install', '--quiet', '-r', join('glue-jobs', 'requirements.lock')], log);
  run(
    venvPython,
    ['-m', 'pip', 'install', '--quiet', '--no-deps', '--no-build-isolation', '-e', 'glue-jobs'],
    log,
  );
  writeFileSync(stamp, want);
}

export function ensureIcebergJar(log: Log): void {
  if (existsSync(icebergJar)) return;
  mkdirSync(jarsDir, { recursive: true });
  run(
    'mvn',
    ['-q', '-B', 'dependency:copy', `-Dartifact=${icebergArtifact}`, `-DoutputDirectory=${jarsDir}`],
    log,
  );
  if (!existsSync(icebergJar)) throw new Error(`setup: Maven finished but ${icebergJar} is missing`);
}

/** Everything the local runtime needs; safe to call before any command. */
export function ensureToolchain(log: Log = () => undefined): void {
  ensurePythonEnv(log);
  ensureIcebergJar(log);
}

/** Debian's Chromium, the browser the dashboard's test drives headless (never a browser build downloaded apart). */
export const chromiumPath = process.env.LAKE_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumHint =
  "install Debian's `chromium` package (as root: apt-get install chromium), or set LAKE_CHROMIUM to a Chromium binary";

/**
 * Installs Chromium with apt when it is missing and this process may (root, apt-get present); otherwise says
 * what to install. Returns the browser's path, or undefined when it is still missing.
 */
export function ensureChromium(log: Log, warn: Log = log): string | undefined {
  if (existsSync(chromiumPath)) return chromiumPath;
  const apt = '/usr/bin/apt-get';
  if (process.getuid?.() !== 0 || !existsSync(apt) || process.env.LAKE_CHROMIUM) {
    warn(
      `headless Chromium is missing (${chromiumPath}): ${chromiumHint}; only the dashboard's browser test needs it`,
    );
    return undefined;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    log(`$ apt-get install chromium (the dashboard's browser test needs it)`);
    const install = () =>
      spawnSync(apt, ['install', '-y', '-q', '--no-install-recommends', 'chromium'], {
        env,
        encoding: 'utf8',
      });
    let r = install();
    if (r.status !== 0) {
      run(apt, ['update', '-q'], log);
      r = install();
    }
    if (r.status !== 0) throw new Error((r.stderr || r.stdout || '').slice(-2000));
  } catch (e) {
    warn(`could not install Chromium: ${(e as Error).message.trim()}\n${chromiumHint}`);
    return undefined;
  }
  return existsSync(chromiumPath) ? chromiumPath : undefined;
}
