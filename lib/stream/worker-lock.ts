/** One delivery worker per stream and lake home: a lock file holding the worker's pid (a dead holder's is taken over). */
import { join } from 'node:path';
import { layout } from '../local/layout';
import { tryPidLock } from '../local/pid-lock';

export function workerLockPath(home: string, streamName: string): string {
  return join(layout(home).state, 'stream', `${streamName}.deliver.lock`);
}

/** Takes the lock or throws naming the running worker; returns the release function. */
export function acquireWorkerLock(path: string): () => void {
  const lock = tryPidLock(path, 'delivery lock');
  if (!lock.taken)
    throw new Error(`another delivery worker (pid ${lock.holder}) is running for this stream (lock ${path})`);
  return lock.release;
}
