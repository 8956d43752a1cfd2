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
