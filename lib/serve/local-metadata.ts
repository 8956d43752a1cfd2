/**
 * The metadata port's adapter for `lake serve`: the lake home's table facts (Iceberg snapshots and run reports),
 * its OpenLineage events and run reports, and the stream's lag read from the local emulator, the very sources
 * `lake search`, `lake lineage` and `lake status` read.
 *
 * Table facts read every table's manifests (a tenth of a second on a small lake) and the events every run's file:
 * both are kept until a job commits a snapshot or `ttlMs` passes, so that a search does not wait for them each time.
 * Run reports and the stream's lag are read at each request, as `lake status` reads them.
 */
import type { MetadataSource } from '../../lambdas/api/metadata-source';
import { readLineageEvents } from '../lineage/events';
import { readRunReports } from '../local/runner';
import { localTableFacts } from '../status/local-status';
import { readStreamLag } from '../status/stream-lag';
import { snapshotSignature } from './reloading-engine';

export function localMetadata(home: string, opts: { ttlMs?: number } = {}): MetadataSource {
  const ttl = opts.ttlMs ?? 5000;
  /** `read(now)`, again when the tables' snapshots changed or the value is older than the TTL */
  function kept<T>(read: (now: Date) => Promise<T>): (now: Date) => Promise<T> {
    let last: { at: number; signature: string; value: Promise<T> } | undefined;
    return (now) => {
      const signature = snapshotSignature(home);
      if (last && last.signature === signature && now.getTime() - last.at < ttl) return last.value;
      const value = read(now);
      last = { at: now.getTime(), signature, value };
      value.catch(() => (last = undefined));
      return value;
    };
  }
  const events = kept(() => Promise.resolve(readLineageEvents(home)));
  return {
    tableFacts: kept((now) => localTableFacts(home, now)),
    lineageEvents: () => events(new Date()),
    runReports: (table) => Promise.resolve(readRunReports(home, table)),
    streamLag: (now) => readStreamLag(home, now),
  };
}
