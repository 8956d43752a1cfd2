/**
 * What the delivery worker lands in the raw zone, and where (Firehose semantics):
 *
 *   raw/ad_events/YYYY/MM/DD/HH/ad_events-<shardId>-<firstSequenceNumber>.ndjson.gz          records, one JSON a line
 *   raw/ad_events_errors/YYYY/MM/DD/HH/ad_events-<shardId>-<firstSequenceNumber>.ndjson.gz   records that are not
 *       a JSON object, wrapped as Firehose wraps delivery errors (errorCode, errorMessage, rawData base64, ...)
 *
 * The hour is the arrival time (UTC, Kinesis ApproximateArrivalTimestamp) of the file's first record, and the name
 * derives from (shard, first sequence number): a worker that redoes a delivery after a crash writes the same key.
 */
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { datasetContract } from '../contracts';

export interface StreamRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly data: Uint8Array;
  /** ms since epoch */
  readonly arrivalMs: number;
}

export function hourPrefix(arrivalMs: number): string {
  const d = new Date(arrivalMs);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCHours())}`;
}

export interface DeliveryKeys {
  /** raw key (relative to the raw zone) of the records */
  readonly records: string;
  /** raw key of the records that could not be delivered as JSON */
  readonly errors: string;
}

export function deliveryKeys(shardId: string, firstSequenceNumber: string, arrivalMs: number): DeliveryKeys {
  const raw = datasetContract('ad_events').raw;
  const name = `ad_events-${shardId}-${firstSequenceNumber}.ndjson.gz`;
  const hour = hourPrefix(arrivalMs);
  return {
    records: `${raw.prefix}${hour}/${name}`,
    errors: `${raw.errorPrefix ?? 'ad_events_errors/'}${hour}/${name}`,
  };
}

export function keyPath(rawDir: string, key: string): string {
  return join(rawDir, ...key.split('/'));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type Classified =
  | { readonly ok: true; readonly line: string }
  | { readonly ok: false; readonly errorCode: string; readonly errorMessage: string };

/**
 * A record is delivered when it is one JSON object (contract checks are the Spark job's). Its text is kept as it is,
 * except that line breaks (which, in valid JSON, can only be whitespace) become spaces: one record, one line.
 */
export function classifyRecord(data: Uint8Array): Classified {
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return { ok: false, errorCode: 'parse:encoding', errorMessage: 'record is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, errorCode: 'parse:json', errorMessage: (e as Error).message };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, errorCode: 'parse:json', errorMessage: 'record is not a JSON object' };
  }
  return { ok: true, line: text.trim().replace(/\r\n|\r|\n/g, ' ') };
}

export function errorLine(
  r: StreamRecord,
  c: { errorCode: string; errorMessage: string },
  streamName: string,
): string {
  return JSON.stringify({
    attemptsMade: 1,
    arrivalTimestamp: r.arrivalMs,
    errorCode: c.errorCode,
    errorMessage: c.errorMessage,
    streamName,
    shardId: r.shardId,
    sequenceNumber: r.sequenceNumber,
    rawData: Buffer.from(r.data).toString('base64'),
  });
}

/** gzip of the lines (each followed by a newline); deterministic: the same lines give the same bytes. */
export function gzipLines(lines: readonly string[]): Buffer {
  return gzipSync(Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8'), { level: 6 });
}
