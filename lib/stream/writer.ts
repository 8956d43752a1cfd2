/**
 * The port through which the producer writes: one PutRecords call. The Kinesis adapter is the real thing; the
 * fault-injecting wrapper (faults.ts) sits in front of it in tests.
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { StreamEntry } from './batching';

/** One entry of a PutRecords answer, in request order: a sequence number, or an error code. */
export interface PutResultEntry {
  readonly shardId?: string;
  readonly sequenceNumber?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

export interface RecordWriter {
  putRecords(streamName: string, entries: readonly StreamEntry[]): Promise<PutResultEntry[]>;
}

export function kinesisWriter(client: KinesisClient): RecordWriter {
  return {
    async putRecords(streamName, entries) {
      const out = await client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: entries.map((e) => ({ Data: e.data, PartitionKey: e.partitionKey })),
        }),
      );
      const records = out.Records ?? [];
      if (records.length !== entries.length) {
        throw new Error(`PutRecords answered ${records.length} entries for ${entries.length} records`);
      }
      return records.map((r) => ({
        shardId: r.ShardId,
        sequenceNumber: r.SequenceNumber,
        errorCode: r.ErrorCode,
        errorMessage: r.ErrorMessage,
      }));
    },
  };
}
