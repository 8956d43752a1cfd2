/**
 * Per-shard delivery checkpoints in <HOME>/state/stream/<stream>.checkpoints.json, written durably (temp file, fsync,
 * rename). A shard's `sequenceNumber` is the last record that is in a raw file; it only moves after that file is
 * durably written. Before writing files, the worker records the delivery it is about to make (`pending`: first and
 * last sequence number): a worker that dies between writing the files and moving the checkpoint redoes exactly that
 * delivery on restart (same records, same file name, same bytes), so no record is lost and no second file appears.
 */
import { join } from 'node:path';
import { layout } from '../local/layout';
import { readJsonIfExists, writeJsonDurably } from './durable-file';

export interface PendingDelivery {
  readonly firstSequenceNumber: string;
  readonly lastSequenceNumber: string;
  readonly records: number;
}

export interface ShardCheckpoint {
  /** last sequence number delivered to a raw file */
  readonly sequenceNumber?: string;
  /** the shard is closed and every record of it is delivered */
  readonly finished?: boolean;
  readonly pending?: PendingDelivery;
  readonly updatedAt: string;
}

export interface CheckpointDocument {
  readonly stream: string;
  /** creation time of the stream the sequence numbers belong to (a recreated stream starts over) */
  readonly streamCreatedAt?: string;
  readonly shards: Record<string, ShardCheckpoint>;
}

export function checkpointPath(home: string, streamName: string): string {
  return join(layout(home).state, 'stream', `${streamName}.checkpoints.json`);
}

export class CheckpointStore {
  private doc: CheckpointDocument;

  constructor(
    readonly path: string,
    streamName: string,
  ) {
    this.doc = readJsonIfExists<CheckpointDocument>(path) ?? { stream: streamName, shards: {} };
  }

  get document(): CheckpointDocument {
    return this.doc;
  }

  shard(shardId: string): ShardCheckpoint | undefined {
    return this.doc.shards[shardId];
  }

  /** Forgets every checkpoint when they belong to another incarnation of the stream; returns whether it did. */
  bindToStream(streamCreatedAt: string | undefined): boolean {
    if (streamCreatedAt === undefined || this.doc.streamCreatedAt === streamCreatedAt) return false;
    const reset = this.doc.streamCreatedAt !== undefined && Object.keys(this.doc.shards).length > 0;
    this.doc = { stream: this.doc.stream, streamCreatedAt, shards: reset ? {} : this.doc.shards };
    this.save();
    return reset;
  }

  private update(shardId: string, change: Partial<ShardCheckpoint>, dropPending: boolean): void {
    const prev = this.doc.shards[shardId];
    const next: ShardCheckpoint = { ...prev, ...change, updatedAt: new Date().toISOString() };
    if (dropPending) delete (next as { pending?: PendingDelivery }).pending;
    this.doc = { ...this.doc, shards: { ...this.doc.shards, [shardId]: next } };
    this.save();
  }

  setPending(shardId: string, pending: PendingDelivery): void {
    this.update(shardId, { pending }, false);
  }

  /** The files holding records up to `sequenceNumber` are durably written. */
  commit(shardId: string, sequenceNumber: string): void {
    this.update(shardId, { sequenceNumber }, true);
  }

  markFinished(shardId: string): void {
    this.update(shardId, { finished: true }, true);
  }

  private save(): void {
    writeJsonDurably(this.path, this.doc);
  }
}
