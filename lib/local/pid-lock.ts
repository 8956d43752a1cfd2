/** An exclusive lock file holding its owner's pid; a lock whose owner is gone (or is this process) is taken over. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pidAlive } from './processes';

export type PidLockOutcome =
  { readonly taken: true; release(): void } | { readonly taken: false; readonly holder: number };

/** Takes the lock at `path`, or says which live process holds it. */
export function tryPidLock(path: string, what = 'lock'): PidLockOutcome {
  mkdirSync(dirname(path), { recursive: true });
  for (let tries = 0; tries < 3; tries++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return {
        taken: true,
        release: () => {
          try {
            if (readFileSync(path, 'utf8') === String(process.pid)) rmSync(path, { force: true });
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: number;
      try {
        holder = Number(readFileSync(path, 'utf8'));
      } catch {
        continue;
      }
      // an empty or garbled file (a writer that died before writing its pid) holds nothing
      const owned = Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder);
      if (!owned) rmSync(path, { force: true });
      else return { taken: false, holder };
    }
  }
  throw new Error(`could not take the ${what} ${path}`);
}
