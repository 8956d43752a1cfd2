import type { Column } from './types';

/** Lineage columns every processed table carries (written by the jobs, never by a source). */
export const lineageColumns: readonly Column[] = [
  {
    name: 'source_file',
    type: 'string',
    source: 'lineage',
    description: 'Raw-zone key of the file the record came from.',
  },
  {
    name: 'ingest_batch_id',
    type: 'string',
    source: 'lineage',
    description: 'Ingest batch (or stream delivery) that landed the file.',
  },
  {
    name: 'etl_run_id',
    type: 'string',
    source: 'lineage',
    description: 'Run of the job that wrote the record.',
  },
  {
    name: 'record_hash',
    type: 'string',
    source: 'lineage',
    description: "SHA-256 of the record's contract columns: MERGE updates a key only when this changes.",
  },
];
