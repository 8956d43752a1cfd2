/** One delivery worker per stream and lake home: a lock file holding the worker's pid (a dead holder's is taken over). */
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { layout } from '../local/layout';
import { pidAlive } from '../local/processes';

export function workerLockPath(home: string, streamName: string): string {
  return join(layout(home).state, 'stream', `${streamName}.deliver.lock`);
}

/** Takes the lock or throws naming the running worker; returns the release function. */
export function acquireWorkerLock(path: string): () => void {
  mkdirSync(dirname(path), { recursive: true });
  for (let tries = 0; tries < 3; tries++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(path, 'utf8') === String(process.pid)) rmSync(path, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: number;
      try {
        holder = Number(readFileSync(path, 'utf8'));
      } catch {
        continue;
      }
      if (holder === process.pid || !pidAlive(holder)) rmSync(path, { force: true });
      else
        throw new Error(`another delivery worker (pid ${holder}) is running for this stream (lock ${path})`);
    }
  }
  throw new Error(`could not take the delivery lock ${path}`);
}
