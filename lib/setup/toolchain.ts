/**
 * Installs what the local runtime needs, idempotently: the Python environment (pinned by
 * glue-jobs/requirements.lock, with the lake_jobs package installed editable) and the Iceberg Spark runtime
 * jar (fetched by Maven from the configured registry, never committed). Each step is skipped when its stamp
 * matches, so a second call costs milliseconds.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');
/** The `lake` CLI's entry script, for commands that start it as a user would. */
export const lakeCli = join(repoRoot, 'bin', 'lake.js');
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

/**
 * Trino for checking the API's SQL against the engine Athena runs: the core server (no connectors) and the memory
 * connector's plugin, both from Maven Central, pinned. Trino 476 needs Java 24 or newer; Java 17 (Spark's) stays the
 * default `java`, so Trino's own JVM is named here.
 */
export const trinoVersion = '476';
export const trinoJavaVersion = 25;

export interface TrinoInstall {
  readonly version: string;
  readonly home: string;
  readonly libDir: string;
  /** holds only the memory connector: each plugin loaded costs start-up time */
  readonly pluginDir: string;
  readonly java: string;
  readonly javaVersion: number;
}

export function trinoInstall(): TrinoInstall {
  const home = join(repoRoot, '.tools', `trino-${trinoVersion}`);
  return {
    version: trinoVersion,
    home,
    libDir: join(home, 'lib'),
    pluginDir: join(home, 'plugin'),
    java:
      process.env.LAKE_TRINO_JAVA ??
      join(
        '/usr/lib/jvm',
        `temurin-${trinoJavaVersion}-jdk-${process.arch === 'x64' ? 'amd64' : process.arch}`,
        'bin',
        'java',
      ),
    javaVersion: trinoJavaVersion,
  };
}

/** Downloads and unpacks Trino's server core and memory plugin once (about 210 MB from Maven Central). */
export function ensureTrino(log: Log): TrinoInstall {
  const t = trinoInstall();
  const stamp = join(t.home, '.lake-stamp');
  if (stampMatches(stamp, t.version)) return t;
  rmSync(t.home, { recursive: true, force: true });
  const downloads = join(t.home, 'downloads');
  mkdirSync(downloads, { recursive: true });
  mkdirSync(t.pluginDir, { recursive: true });
  const fetchArtifact = (artifact: string): void =>
    run(
      'mvn',
      ['-q', '-B', 'dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${downloads}`],
      log,
    );
  fetchArtifact(`io.trino:trino-server-core:${t.version}:tar.gz`);
  fetchArtifact(`io.trino:trino-memory:${t.version}:zip`);
  const core = `trino-server-core-${t.version}`;
  // only lib/: the core's bundled plugins (file exchange, spooling, geospatial, python functions) would load too
  run(
    'tar',
    ['-xzf', join(downloads, `${core}.tar.gz`), '-C', t.home, '--strip-components=1', `${core}/lib`],
    log,
  );
  run('python3', ['-m', 'zipfile', '-e', join(downloads, `trino-memory-${t.version}.zip`), t.pluginDir], log);
  renameSync(join(t.pluginDir, `trino-memory-${t.version}`), join(t.pluginDir, 'memory'));
  rmSync(downloads, { recursive: true, force: true });
  writeFileSync(stamp, t.version);
  return t;
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
