/**
 * The metadata port's adapter for `lake serve`: the lake home's table facts (Iceberg snapshots and run reports),
 * its OpenLineage events and run reports, and the stream's lag read from the local emulator, the very sources
 * `lake search`, `lake lineage` and `lake status` read.
 */
import type { MetadataSource } from '../../lambdas/api/metadata-source';
import { readLineageEvents } from '../lineage/events';
import { readRunReports } from '../local/runner';
import { localTableFacts } from '../status/local-status';
import { readStreamLag } from '../status/stream-lag';

export function localMetadata(home: string): MetadataSource {
  return {
    tableFacts: (now) => localTableFacts(home, now),
    lineageEvents: () => Promise.resolve(readLineageEvents(home)),
    runReports: (table) => Promise.resolve(readRunReports(home, table)),
    streamLag: (now) => readStreamLag(home, now),
  };
}
