/**
 * The S3 adapter of the metadata port, for the Lambda: the run reports and OpenLineage events the Glue jobs write
 * under the reports root (`s3://<processed bucket>/_reports/<dataset>/<run id>.json` and `.openlineage.jsonl`).
 * Run ids sort by time, so the newest runs are the last keys of a listing; only the newest of each table are read,
 * and what was read is reused for a short while (a warm Lambda answers from memory).
 *
 * The stream's lag is not in S3: it is what `streamLag` gives (CloudWatch's metrics on AWS, cloudwatch-stream-lag.ts),
 * reused for the same while as the reports.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { TableFacts } from '../../lib/catalog-search/catalog-search';
import { allTables } from '../../lib/contracts';
import type { TableName } from '../../lib/contracts';
import { runReportProblems, type RunReport } from '../../lib/contracts/run-report';
import type { RunEvent } from '../../lib/lineage/graph';
import { EVENTS_SUFFIX, parseEventLines, REPORT_SUFFIX } from '../../lib/lineage/run-files';
import { tableStatus, type StreamLag } from '../../lib/status/pipeline-status';
import { tableFacts } from '../../lib/status/table-facts';
import type { MetadataSource } from './metadata-source';
import { parseS3Uri } from './s3-uri';

export interface S3MetadataOptions {
  readonly client: S3Client;
  /** the reports root, e.g. `s3://lake-processed-123456789012-eu-west-1/_reports` */
  readonly reportsUri: string;
  /** how long what was read is reused (ms) @default 60000 */
  readonly ttlMs?: number;
  /** reports read per table: the newest runs, enough for the last run, held runs and freshness @default 50 */
  readonly reportsPerTable?: number;
  /** event files read per table: the newest runs' lineage @default 200 */
  readonly eventFilesPerTable?: number;
  readonly now?: () => number;
  /** the stream's delivery lag @default none: null */
  readonly streamLag?: (now: Date) => Promise<StreamLag | null>;
}

/** A well-formed report; fields a newer job adds do not make it unreadable. */
function asReport(doc: unknown): RunReport | undefined {
  return runReportProblems(doc).every((p) => p.startsWith('undeclared field'))
    ? (doc as RunReport)
    : undefined;
}

export function s3Metadata(opts: S3MetadataOptions): MetadataSource {
  const { bucket, prefix } = parseS3Uri(opts.reportsUri);
  const ttl = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();

  /** The value of `key`, read again when older than the TTL; a failed read is not kept. */
  function cached<T>(key: string, read: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttl) return hit.value as Promise<T>;
    const value = read();
    cache.set(key, { at: now(), value });
    value.catch(() => cache.delete(key));
    return value;
  }

  async function keys(under: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await opts.client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: under,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  async function text(key: string): Promise<string> {
    const out = await opts.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await out.Body?.transformToString('utf-8')) ?? '';
  }

  /** The table's run files with this ending, newest `n` (their keys sort by run id, which sorts by time). */
  async function newest(table: string, ending: string, n: number): Promise<string[]> {
    const all = await keys(`${prefix}${table}/`);
    return all.filter((k) => k.endsWith(ending)).slice(-n);
  }

  function runReports(table: TableName): Promise<readonly RunReport[]> {
    return cached(`reports:${table}`, async () => {
      const ks = await newest(table, REPORT_SUFFIX, opts.reportsPerTable ?? 50);
      const docs = await Promise.all(
        ks.map(async (k) => {
          try {
            return asReport(JSON.parse(await text(k)));
          } catch (e) {
            // a report being written is not JSON yet: the next read sees it whole
            if (e instanceof SyntaxError) return undefined;
            throw e;
          }
        }),
      );
      return docs.filter((d): d is RunReport => d !== undefined);
    });
  }

  return {
    runReports,
    lineageEvents: () =>
      cached('events', async () => {
        const perTable = await Promise.all(
          allTables.map(async (t) => {
            const ks = await newest(t.name, EVENTS_SUFFIX, opts.eventFilesPerTable ?? 200);
            return (await Promise.all(ks.map(async (k) => parseEventLines<RunEvent>(await text(k))))).flat();
          }),
        );
        return perTable.flat();
      }),
    async tableFacts(at: Date) {
      const out: Partial<Record<TableName, TableFacts>> = {};
      const all = await Promise.all(allTables.map((t) => runReports(t.name)));
      for (const [i, t] of allTables.entries()) {
        const reports = all[i] ?? [];
        if (reports.length === 0) continue;
        const version =
          [...reports]
            .sort((a, b) => (a.started_at < b.started_at ? 1 : -1))
            .find((r) => r.snapshot_id !== null)?.snapshot_id ?? null;
        out[t.name] = tableFacts(tableStatus(t, reports, at), {
          rowCount: null,
          newestEventTime: null,
          version,
        });
      }
      return out;
    },
    streamLag: (at) => {
      const read = opts.streamLag;
      return read ? cached('stream-lag', () => read(at)) : Promise.resolve(null);
    },
  };
}
