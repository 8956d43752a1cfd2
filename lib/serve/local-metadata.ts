/** The metadata routes' source for `lake serve`: facts, lineage events and run history of the lake home. */
import type { MetadataSource } from '../../lambdas/api/metadata-routes';
import { readLineageEvents } from '../lineage/events';
import { localPipelineStatus, localTableFacts } from '../status/local-status';

export function localMetadata(home: string): MetadataSource {
  return {
    facts: () => localTableFacts(home),
    lineageEvents: () => Promise.resolve(readLineageEvents(home)),
    pipelineStatus: () => localPipelineStatus(home),
  };
}
