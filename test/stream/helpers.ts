/** Shared helpers of the stream tests: temp lake homes, the real emulator on a free loopback port, raw file reading. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../lib/stream/client';
import { ensureStream } from '../../lib/stream/admin';
import { resolveStreamTarget } from '../../lib/stream/config';
import type { StreamTarget } from '../../lib/stream/config';
import { startEmulator, stopEmulator } from '../../lib/stream/emulator';

export function tempHome(tag: string): string {
  return mkdtempSync(join(tmpdir(), `lake-stream-${tag}-`));
}

export function removeHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
}

export interface TestStream {
  readonly home: string;
  readonly target: StreamTarget;
  readonly client: KinesisClient;
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A temp lake home with the managed emulator running in it and the stream created. */
export async function openTestStream(
  tag: string,
  shardCount = 2,
  streamName = 'test-ad-events',
): Promise<TestStream> {
  const home = tempHome(tag);
  const emulator = await startEmulator(home);
  const target = resolveStreamTarget({ streamName, shardCount, endpoint: emulator.endpoint }, {});
  const client = createKinesisClient(target);
  await ensureStream(client, streamName, shardCount);
  return {
    home,
    target,
    client,
    endpoint: emulator.endpoint,
    port: emulator.port,
    async close() {
      client.destroy();
      await stopEmulator(home);
      removeHome(home);
    },
  };
}

/** A minimal ad event (the generator's events are used where the generator is what is under test). */
export function testEvent(i: number, runTag = 'r'): Record<string, unknown> {
  const types = ['impression', 'click', 'conversion'] as const;
  const type = types[i % 3] as string;
  return {
    event_id: `evt-${runTag}-${String(i).padStart(6, '0')}`,
    event_type: type,
    campaign_id: `cmp-${i % 4}`,
    ad_id: `ad-${i % 7}`,
    channel: 'search',
    customer_id: null,
    order_id: type === 'conversion' ? `ord-${i}` : null,
    cost: 0.25,
    currency: 'USD',
    revenue: type === 'conversion' ? 20 : null,
    event_time: new Date(Date.UTC(2026, 10, 1, 12, 0, i % 60)).toISOString(),
    device: 'mobile',
    country: 'US',
  };
}

export interface RawFile {
  /** raw key, '/'-separated */
  readonly key: string;
  readonly lines: string[];
  readonly bytes: Buffer;
}

function walk(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Every file under raw/<prefix>, with its gunzipped lines. */
export function rawFiles(home: string, prefix: 'ad_events' | 'ad_events_errors'): RawFile[] {
  const raw = join(home, 'raw');
  return walk(join(raw, prefix))
    .sort()
    .map((p) => {
      const bytes = readFileSync(p);
      const text = gunzipSync(bytes).toString('utf8');
      return {
        key: relative(raw, p).split(sep).join('/'),
        lines: text.split('\n').filter((l) => l.length > 0),
        bytes,
      };
    });
}

/** The event ids in the delivered raw files, in file order. */
export function deliveredIds(home: string): string[] {
  return rawFiles(home, 'ad_events').flatMap((f) =>
    f.lines.map((l) => (JSON.parse(l) as { event_id: string }).event_id),
  );
}

export function countBy<T>(items: readonly T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of items) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}
