/**
 * A single-node Trino on 127.0.0.1 with only the memory connector, to check SQL against the engine Athena runs
 * (engine v3 is Trino). It holds no rows: the check declares empty tables and analyses statements. Started on a
 * free port from a temporary folder (its configuration), stopped by `stop()`; nothing is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trinoInstall, type TrinoInstall } from '../setup/toolchain';

export interface TrinoServerOptions {
  /** @default the install `lake setup` made (lib/setup/toolchain) */
  readonly install?: TrinoInstall;
  /** JVM heap. @default '1G' (the memory catalog holds no rows) */
  readonly heap?: string;
  /** how long start-up may take before it counts as failed. @default 300_000 */
  readonly startTimeoutMs?: number;
}

export interface TrinoColumn {
  readonly name: string;
  readonly type: string;
}

export interface TrinoResult {
  readonly columns: readonly TrinoColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

/** A statement Trino refused: its own message and error name (`TYPE_MISMATCH`, `FUNCTION_NOT_FOUND`, ...). */
export class TrinoQueryError extends Error {
  constructor(
    readonly trinoMessage: string,
    readonly errorName: string,
    readonly sql: string,
  ) {
    super(`${errorName}: ${trinoMessage}`);
    this.name = 'TrinoQueryError';
  }
}

export interface TrinoQueryOptions {
  /** prepared statements the query may EXECUTE, by name (sent as X-Trino-Prepared-Statement) */
  readonly prepared?: Readonly<Record<string, string>>;
}

export interface TrinoServer {
  readonly url: string;
  /** wall clock from spawn to the first answer of a started server */
  readonly startupMs: number;
  query(sql: string, opts?: TrinoQueryOptions): Promise<TrinoResult>;
  stop(): Promise<void>;
}

const USER = 'lake';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface StatementResponse {
  readonly nextUri?: string;
  readonly columns?: readonly TrinoColumn[];
  readonly data?: readonly (readonly unknown[])[];
  readonly error?: { readonly message: string; readonly errorName: string };
}

/** Runs one statement over Trino's client protocol: POST, then follow `nextUri` until the answer is complete. */
async function runStatement(url: string, sql: string, opts: TrinoQueryOptions = {}): Promise<TrinoResult> {
  const headers: Record<string, string> = {
    'X-Trino-User': USER,
    'X-Trino-Catalog': 'memory',
    'X-Trino-Schema': 'default',
    // answer types with their precision (`timestamp(6) with time zone`), as Athena reports them
    'X-Trino-Client-Capabilities': 'PARAMETRIC_DATETIME',
  };
  const prepared = Object.entries(opts.prepared ?? {});
  if (prepared.length > 0)
    headers['X-Trino-Prepared-Statement'] = prepared
      .map(([name, text]) => `${name}=${encodeURIComponent(text)}`)
      .join(',');
  let res = await fetch(`${url}/v1/statement`, { method: 'POST', headers, body: sql });
  const columns: TrinoColumn[] = [];
  const rows: (readonly unknown[])[] = [];
  for (;;) {
    if (!res.ok) throw new Error(`trino: HTTP ${res.status} ${(await res.text()).slice(0, 500)}`);
    const body = (await res.json()) as StatementResponse;
    if (body.error) throw new TrinoQueryError(body.error.message, body.error.errorName, sql);
    if (body.columns && columns.length === 0) columns.push(...body.columns);
    if (body.data) rows.push(...body.data);
    if (!body.nextUri) return { columns, rows };
    res = await fetch(body.nextUri, { headers: { 'X-Trino-User': USER } });
  }
}

function writeConfig(etc: string, install: TrinoInstall, port: number): void {
  mkdirSync(join(etc, 'catalog'), { recursive: true });
  const props = (o: Record<string, string | number | boolean>): string =>
    Object.entries(o)
      .map(([k, v]) => `${k}=${v}\n`)
      .join('');
  writeFileSync(
    join(etc, 'config.properties'),
    props({
      coordinator: true,
      'node-scheduler.include-coordinator': true,
      'http-server.http.port': port,
      'discovery.uri': `http://127.0.0.1:${port}`,
      'plugin.dir': install.pluginDir,
      'catalog.config-dir': join(etc, 'catalog'),
      // one small node: a route's statement never needs more
      'query.max-memory': '256MB',
      'query.max-memory-per-node': '256MB',
      'node.environment': 'lake_check',
      'node.id': 'lake-check',
      // loopback only: the server answers this machine and nobody else
      'node.bind-ip': '127.0.0.1',
      'node.internal-address': '127.0.0.1',
    }),
  );
  writeFileSync(join(etc, 'catalog', 'memory.properties'), props({ 'connector.name': 'memory' }));
  writeFileSync(join(etc, 'log.properties'), props({ io: 'WARN', 'io.trino.server.Server': 'INFO' }));
}

/** The JVM flags: a small serial-GC heap and the C1 compiler only, which start a short-lived server fastest. */
function jvmArgs(etc: string, install: TrinoInstall, heap: string): string[] {
  return [
    `-Xmx${heap}`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djdk.attach.allowAttachSelf=true',
    `-Dconfig=${join(etc, 'config.properties')}`,
    `-Dlog.levels-file=${join(etc, 'log.properties')}`,
    '-cp',
    `${install.libDir}/*`,
    'io.trino.server.TrinoServer',
  ];
}

/** Trino's /v1/info says `starting: false` once the server accepts statements. */
async function started(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/v1/info`);
    if (!res.ok) return false;
    const info = (await res.json()) as { starting?: boolean };
    return info.starting === false;
  } catch {
    return false;
  }
}

const SETPRIV = '/usr/bin/setpriv';

/**
 * The command that starts the JVM. Where util-linux's `setpriv` exists, the JVM is started through it with a parent
 * death signal, so the kernel kills it when the process that started it dies without running its exit hooks (a
 * force-killed test worker); elsewhere the exit hook below is the only guard.
 */
export function launchCommand(
  java: string,
  args: readonly string[],
  setpriv: string = SETPRIV,
): { command: string; args: string[] } {
  try {
    accessSync(setpriv, constants.X_OK);
    return { command: setpriv, args: ['--pdeathsig', 'KILL', '--', java, ...args] };
  } catch {
    return { command: java, args: [...args] };
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts a Trino server and resolves once it accepts statements. Fails with the tail of its log when the install
 * is missing, the JVM exits, or start-up outlasts `startTimeoutMs`.
 */
export async function startTrino(opts: TrinoServerOptions = {}): Promise<TrinoServer> {
  const install = opts.install ?? trinoInstall();
  if (!existsSync(install.libDir) || !existsSync(install.pluginDir))
    throw new Error(`Trino ${install.version} is not installed in ${install.home}: run \`lake setup\``);
  if (!existsSync(install.java))
    throw new Error(`Trino ${install.version} needs Java ${install.javaVersion}: ${install.java} is missing`);
  const dir = mkdtempSync(join(tmpdir(), 'lake-trino-'));
  const etc = join(dir, 'etc');
  const port = await freePort();
  writeConfig(etc, install, port);
  const t0 = performance.now();
  const launch = launchCommand(install.java, jvmArgs(etc, install, opts.heap ?? '1G'));
  const child = spawn(launch.command, launch.args, {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (c: Buffer): void => {
    log = (log + c.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const logTail = (): string => log.slice(-3000);
  // a test run that ends without stop() must not leave a JVM behind
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const cleanup = async (): Promise<void> => {
    process.off('exit', killOnExit);
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 300_000);
  for (;;) {
    if (spawnError || child.exitCode !== null) {
      await cleanup();
      throw new Error(
        `trino: the server exited during start-up (${spawnError?.message ?? `exit ${child.exitCode}`}):\n${logTail()}`,
      );
    }
    if (await started(url)) break;
    if (Date.now() > deadline) {
      const tail = logTail();
      await cleanup();
      throw new Error(`trino: not started after ${opts.startTimeoutMs ?? 300_000} ms:\n${tail}`);
    }
    await sleep(250);
  }
  const startupMs = performance.now() - t0;
  return {
    url,
    startupMs,
    query: (sql, q) => runStatement(url, sql, q),
    stop: cleanup,
  };
}
