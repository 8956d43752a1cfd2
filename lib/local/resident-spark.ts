/**
 * A warm local Spark for repeated small runs: one long-lived `python -m lake_jobs.resident` per lake home,
 * started on demand, reached on 127.0.0.1 with the token of its state file (`<home>/state/spark/resident.json`,
 * mode 0600), stopped by `lake down` or after its idle timeout. A JVM start is most of a small run's time;
 * the resident session removes it from every run after the first.
 *
 * The resident runs the job code it was started with, so each request compares that code's fingerprint with
 * the code on disk and replaces a resident whose code is stale. A resident that died (crash, OOM, kill) is
 * noticed by the next request, which starts a new one; a run it was in the middle of is a killed run: its
 * commits are atomic and the raw files it had not yet recorded are read again next time.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { repoRoot, venvPython } from '../setup/toolchain';
import { layout } from './layout';
import { pidAlive, sparkEnv } from './processes';

/** Whether the CLI runs jobs on the resident Spark: yes unless LAKE_SPARK_WARM=0 (or a command's --cold). */
export function warmByDefault(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.LAKE_SPARK_WARM !== '0';
}

export interface ResidentState {
  readonly pid: number;
  readonly port: number;
  readonly token: string;
  readonly home: string;
  readonly fingerprint: string;
  readonly started_at: string;
}

export interface ResidentPaths {
  readonly dir: string;
  readonly state: string;
  readonly log: string;
}

export function residentPaths(home: string): ResidentPaths {
  const dir = join(layout(home).state, 'spark');
  return { dir, state: join(dir, 'resident.json'), log: join(dir, 'resident.log') };
}

const jobsDir = join(repoRoot, 'glue-jobs', 'lake_jobs');

function pythonSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__pycache__') out.push(...pythonSources(p));
    } else if (entry.name.endsWith('.py') || entry.name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** A hash of the job code and the documents it reads: a resident started on other code is replaced. */
export function jobCodeFingerprint(dir: string = jobsDir): string {
  const h = createHash('sha256');
  for (const file of pythonSources(dir).sort()) {
    h.update(relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

export function readResidentState(home: string): ResidentState | null {
  const { state } = residentPaths(home);
  try {
    const s = JSON.parse(readFileSync(state, 'utf8')) as ResidentState;
    return pidAlive(s.pid) ? s : null;
  } catch {
    return null;
  }
}

export type ResidentMessage =
  | { readonly log: string }
  | { readonly report: Record<string, unknown> }
  | { readonly exit: number }
  | { readonly pong: true; readonly pid: number; readonly fingerprint: string; readonly runs: number }
  | { readonly stopping: true }
  | { readonly error: string };

/** Sends one request and calls `onMessage` for each answered line; resolves when the resident closes. */
export function request(
  state: Pick<ResidentState, 'port' | 'token'>,
  body: Record<string, unknown>,
  onMessage: (m: ResidentMessage) => void,
  timeoutMs?: number,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect({ host: '127.0.0.1', port: state.port });
    let rest = '';
    let timer: NodeJS.Timeout | undefined;
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    }
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ ...body, token: state.token })}\n`));
    socket.on('data', (chunk: string) => {
      rest += chunk;
      let i: number;
      while ((i = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, i);
        rest = rest.slice(i + 1);
        if (line.trim() !== '') onMessage(JSON.parse(line) as ResidentMessage);
      }
    });
    socket.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => {
      if (timer) clearTimeout(timer);
      resolvePromise();
    });
  });
}

async function ping(state: ResidentState): Promise<{ fingerprint: string } | null> {
  let pong: { fingerprint: string } | null = null;
  try {
    await request(
      state,
      { op: 'ping' },
      (m) => {
        if ('pong' in m) pong = { fingerprint: m.fingerprint };
      },
      5000,
    );
  } catch {
    return null;
  }
  return pong;
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !pidAlive(pid);
}

/** Stops the resident Spark of `home`; false when none was running. */
export async function stopResident(home: string): Promise<boolean> {
  const state = readResidentState(home);
  if (!state) return false;
  try {
    await request(state, { op: 'stop' }, () => undefined, 5000);
  } catch {
    // not answering: terminate it below
  }
  if (!(await waitForExit(state.pid, 20_000))) {
    process.kill(state.pid, 'SIGTERM');
    if (!(await waitForExit(state.pid, 10_000))) process.kill(state.pid, 'SIGKILL');
  }
  return true;
}

export interface EnsureOptions {
  readonly python?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** how long a new resident may take to start @default 120000 */
  readonly startTimeoutMs?: number;
  readonly onLog?: (line: string) => void;
}

/** The running resident of `home` on the current job code, starting (or replacing) one when needed. */
export async function ensureResident(home: string, opts: EnsureOptions = {}): Promise<ResidentState> {
  const fingerprint = jobCodeFingerprint();
  const current = readResidentState(home);
  if (current) {
    const pong = await ping(current);
    if (pong && pong.fingerprint === fingerprint) return current;
    opts.onLog?.(
      pong
        ? 'the job code changed: restarting the resident Spark'
        : 'the resident Spark does not answer: restarting it',
    );
    await stopResident(home);
  }
  return startResident(home, fingerprint, opts);
}

async function startResident(home: string, fingerprint: string, opts: EnsureOptions): Promise<ResidentState> {
  const python = opts.python ?? venvPython;
  if (!existsSync(python)) throw new Error(`the Python environment is missing (${python}); run 'lake setup'`);
  const paths = residentPaths(home);
  mkdirSync(paths.dir, { recursive: true });
  const previous = existsSync(paths.state) ? statSync(paths.state).mtimeMs : 0;
  const logFd = openSync(paths.log, 'a');
  const child = spawn(
    python,
    [
      '-m',
      'lake_jobs.resident',
      '--home',
      layout(home).home,
      '--state',
      paths.state,
      '--fingerprint',
      fingerprint,
    ],
    {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: sparkEnv(python, opts.env),
    },
  );
  closeSync(logFd);
  child.unref();
  opts.onLog?.(`starting a resident Spark for ${layout(home).home} (log: ${paths.log})`);
  const until = Date.now() + (opts.startTimeoutMs ?? 120_000);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  while (Date.now() < until) {
    if (exited !== null) {
      throw new Error(`the resident Spark exited (code ${exited}) before it was ready; see ${paths.log}`);
    }
    if (existsSync(paths.state) && statSync(paths.state).mtimeMs !== previous) {
      const state = readResidentState(home);
      if (state && state.pid === child.pid) return state;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  throw new Error(
    `the resident Spark did not start within ${opts.startTimeoutMs ?? 120_000} ms; see ${paths.log}`,
  );
}
