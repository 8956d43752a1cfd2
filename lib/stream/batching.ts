/**
 * PutRecords batches within the Kinesis limits: at most 500 records and 5 MiB per request, at most 1 MiB per
 * record (data plus partition key count towards both).
 */
export const putRecordsLimits = {
  maxRecords: 500,
  maxBytes: 5 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
  maxPartitionKeyLength: 256,
} as const;

export interface StreamEntry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
}

export function entrySize(e: StreamEntry): number {
  return e.data.byteLength + Buffer.byteLength(e.partitionKey, 'utf8');
}

export interface BatchLimits {
  readonly maxRecords: number;
  readonly maxBytes: number;
}

/** Splits entries, in order, into batches within the limits; throws on a record that can never fit. */
export function* batchEntries<T extends StreamEntry>(
  entries: Iterable<T>,
  limits: BatchLimits = putRecordsLimits,
): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = entrySize(e);
    if (size > putRecordsLimits.maxRecordBytes)
      throw new Error(`a record of ${size} bytes exceeds the 1 MiB Kinesis record limit`);
    if (e.partitionKey.length === 0 || e.partitionKey.length > putRecordsLimits.maxPartitionKeyLength) {
      throw new Error(`partition key must have 1..256 characters, got ${e.partitionKey.length}`);
    }
    if (batch.length > 0 && (batch.length >= limits.maxRecords || bytes + size > limits.maxBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(e);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
