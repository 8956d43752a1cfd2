/**
 * The managed local Kinesis emulator: kinesalite (lib/stream/kinesalite-main.js) as a detached child process on
 * 127.0.0.1, its streams persisted in <HOME>/state/kinesis/ (LevelDB), its pid and port in <HOME>/state/kinesis.json,
 * its output in <HOME>/state/kinesis.log. Separate `lake stream produce` and `deliver` commands therefore see the
 * same stream, and a restart keeps the data. A restart reuses the previous port when it is free, so that a running
 * delivery worker reconnects to the same endpoint.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { layout } from '../local/layout';
import { readJsonIfExists } from './durable-file';
import { pidAlive } from '../local/processes';

export interface EmulatorState {
  readonly pid: number;
  readonly port: number;
  readonly endpoint: string;
  readonly dataDir: string;
  readonly startedAt: string;
}

export interface EmulatorPaths {
  readonly stateFile: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly startLock: string;
}

export function emulatorPaths(home: string): EmulatorPaths {
  const state = layout(home).state;
  return {
    stateFile: join(state, 'kinesis.json'),
    dataDir: join(state, 'kinesis'),
    logFile: join(state, 'kinesis.log'),
    startLock: join(state, 'kinesis.start.lock'),
  };
}

export type EmulatorStatus =
  | { readonly running: true; readonly state: EmulatorState }
  | { readonly running: false; readonly reason: string; readonly lastState?: EmulatorState };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether `pid` is our emulator process (not an unrelated process that reused a stale pid). */
function isEmulatorProcess(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kinesalite-main');
  } catch {
    return true; // no /proc: trust the pid
  }
}

function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolveAnswer(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function emulatorStatus(home: string): Promise<EmulatorStatus> {
  const paths = emulatorPaths(home);
  const state = readJsonIfExists<EmulatorState>(paths.stateFile);
  if (state === undefined) return { running: false, reason: 'not started' };
  if (!isEmulatorProcess(state.pid))
    return { running: false, reason: `process ${state.pid} is gone`, lastState: state };
  if (!(await portAnswers(state.port)))
    return { running: false, reason: `port ${state.port} does not answer`, lastState: state };
  return { running: true, state };
}

function portFree(port: number): Promise<boolean> {
  return portAnswers(port, 500).then((answers) => !answers);
}

async function withStartLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = NaN;
      let age = 0;
      try {
        holder = Number(readFileSync(lockFile, 'utf8'));
        age = Date.now() - statSync(lockFile).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (!pidAlive(holder) || age > 15_000) rmSync(lockFile, { force: true });
      else if (Date.now() > deadline)
        throw new Error(`another process (${holder}) is starting the Kinesis emulator`);
      else await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

function tail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function spawnEmulator(paths: EmulatorPaths, port: number, timeoutMs: number): Promise<EmulatorState> {
  mkdirSync(paths.dataDir, { recursive: true });
  rmSync(paths.stateFile, { force: true });
  const log = openSync(paths.logFile, 'a');
  const child = spawn(
    process.execPath,
    [join(__dirname, 'kinesalite-main.js'), paths.dataDir, String(port), paths.stateFile],
    {
      detached: true,
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = readJsonIfExists<EmulatorState>(paths.stateFile);
    if (state !== undefined && state.pid === child.pid) return state;
    if (exited !== undefined)
      throw new Error(`the Kinesis emulator exited (code ${exited}):\n${tail(paths.logFile)}`);
    await sleep(50);
  }
  if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  throw new Error(`the Kinesis emulator did not start within ${timeoutMs} ms:\n${tail(paths.logFile)}`);
}

export interface StartOptions {
  /** Port on 127.0.0.1. @default the previous port when free, else a free port */
  readonly port?: number;
  /** @default 15000 */
  readonly timeoutMs?: number;
}

/** Starts the emulator unless it already runs; returns the running emulator's state. */
export async function startEmulator(
  home: string,
  opts: StartOptions = {},
): Promise<EmulatorState & { readonly started: boolean }> {
  const paths = emulatorPaths(home);
  mkdirSync(layout(home).state, { recursive: true });
  return withStartLock(paths.startLock, async () => {
    const status = await emulatorStatus(home);
    if (status.running) return { ...status.state, started: false };
    const previous = status.lastState?.port;
    const port = opts.port ?? (previous !== undefined && (await portFree(previous)) ? previous : 0);
    const state = await spawnEmulator(paths, port, opts.timeoutMs ?? 15_000);
    return { ...state, started: true };
  });
}

/** Stops the emulator (SIGTERM, then SIGKILL after `graceMs`); its data stays in <HOME>/state/kinesis/. */
export async function stopEmulator(
  home: string,
  graceMs = 5000,
): Promise<{ readonly stopped: boolean; readonly pid?: number }> {
  const paths = emulatorPaths(home);
  const state = readJsonIfExists<EmulatorState>(paths.stateFile);
  if (state === undefined || !isEmulatorProcess(state.pid)) {
    // keep the last state (its port is reused by the next start), but it no longer describes a running process
    return { stopped: false };
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pidAlive(state.pid) && Date.now() < deadline) await sleep(50);
  if (pidAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
  while (pidAlive(state.pid)) await sleep(20);
  return { stopped: true, pid: state.pid };
}

/** Whether the emulator has ever kept data in this lake home. */
export function emulatorHasData(home: string): boolean {
  return existsSync(emulatorPaths(home).dataDir);
}
