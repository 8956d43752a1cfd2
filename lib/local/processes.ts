import { spawn } from 'node:child_process';
/** Small facts about local processes that several runtime modules need. */

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The environment of a Spark driver run by `python`: its Python workers must run the same interpreter (the venv
 * holds lake_jobs), not whatever python3 is first on the PATH. */
export function sparkEnv(python: string, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PYTHONUNBUFFERED: '1',
    PYSPARK_PYTHON: python,
    PYSPARK_DRIVER_PYTHON: python,
    ...extra,
  };
}

export interface CollectedRun {
  /** exit code (1 when killed by a signal) */
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** wall clock from spawn to close */
  readonly wallMs: number;
}

/** Runs a command to its end and collects what it printed. */
export function runCollected(
  command: string,
  args: readonly string[],
  opts: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv },
): Promise<CollectedRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, [...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ status: code ?? 1, stdout, stderr, wallMs: performance.now() - t0 }),
    );
  });
}
