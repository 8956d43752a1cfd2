import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SplitShardCommand } from '@aws-sdk/client-kinesis';
import { listAllShards } from '../../lib/stream/admin';
import { checkpointPath } from '../../lib/stream/checkpoint';
import { deliver } from '../../lib/stream/delivery';
import { produce } from '../../lib/stream/producer';
import type { Payload } from '../../lib/stream/producer';
import { kinesisWriter } from '../../lib/stream/writer';
import { countBy, deliveredIds, openTestStream, rawFiles, testEvent } from './helpers';
import type { TestStream } from './helpers';

describe('produce -> deliver round trip on the real emulator', () => {
  let s: TestStream;
  beforeAll(async () => {
    s = await openTestStream('roundtrip');
  });
  afterAll(async () => {
    await s.close();
  });

  it('delivers every event exactly once as gzip NDJSON under arrival-hour prefixes, non-JSON under the error prefix', async () => {
    const events = Array.from({ length: 1200 }, (_, i) => testEvent(i, 'rt'));
    const bad: Payload[] = ['not json at all {', '[1,2,3]', Buffer.from([0xff, 0xfe, 0x00])];
    const sentAt = Date.now();
    const produced = await produce(kinesisWriter(s.client), s.target.streamName, [
      ...events.slice(0, 600),
      ...bad,
      ...events.slice(600),
    ]);
    expect(produced.records).toBe(1203);
    expect(produced.batches).toBe(3); // 500 + 500 + 203
    // the event id as partition key spreads the load over both shards
    expect(Object.keys(produced.perShard)).toHaveLength(2);
    for (const n of Object.values(produced.perShard)) expect(n).toBeGreaterThan(400);

    const result = await deliver(s.home, s.client, s.target.streamName);
    expect(result.records).toBe(1200);
    expect(result.errorRecords).toBe(3);

    const ids = deliveredIds(s.home);
    expect(ids).toHaveLength(1200);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.event_id)));
    // each line is the record as sent
    const byId = new Map(events.map((e) => [e.event_id, e]));
    for (const f of rawFiles(s.home, 'ad_events')) {
      expect(f.bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // gzip magic
      const hour = f.key.split('/').slice(1, 5).join('/');
      expect(hour).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\d{2}$/);
      const arrivalHours = [sentAt, Date.now()].map((t) =>
        new Date(t).toISOString().slice(0, 13).replace(/[-T]/g, '/'),
      );
      expect(arrivalHours).toContain(hour);
      expect(f.key).toMatch(/^ad_events\/.+\/ad_events-shardId-\d{12}-\d+\.ndjson\.gz$/);
      for (const l of f.lines) {
        const parsed = JSON.parse(l) as { event_id: string };
        expect(parsed).toEqual(byId.get(parsed.event_id));
      }
    }
    const errors = rawFiles(s.home, 'ad_events_errors').flatMap((f) =>
      f.lines.map((l) => JSON.parse(l) as Record<string, string>),
    );
    expect(errors.map((e) => Buffer.from(e.rawData as string, 'base64').toString('latin1')).sort()).toEqual(
      ['not json at all {', '[1,2,3]', Buffer.from([0xff, 0xfe, 0x00]).toString('latin1')].sort(),
    );
    expect(errors.map((e) => e.errorCode).sort()).toEqual(['parse:encoding', 'parse:json', 'parse:json']);

    // a second run finds nothing new and writes nothing
    const before = rawFiles(s.home, 'ad_events').length;
    const again = await deliver(s.home, s.client, s.target.streamName);
    expect(again.records + again.errorRecords).toBe(0);
    expect(rawFiles(s.home, 'ad_events')).toHaveLength(before);
    expect(existsSync(checkpointPath(s.home, s.target.streamName))).toBe(true);
  });

  it('reads closed parent shards to their end and then their children after a reshard', async () => {
    const writer = kinesisWriter(s.client);
    await deliver(s.home, s.client, s.target.streamName); // whatever an earlier test left
    const deliveredBefore = deliveredIds(s.home).length;
    const filesBefore = new Set(rawFiles(s.home, 'ad_events').map((f) => f.key));
    await produce(
      writer,
      s.target.streamName,
      Array.from({ length: 300 }, (_, i) => testEvent(i, 'before-split')),
    );
    const [first] = await listAllShards(s.client, s.target.streamName);
    const range = first?.HashKeyRange;
    const middle = (
      (BigInt(range?.StartingHashKey ?? '0') + BigInt(range?.EndingHashKey ?? '0')) /
      2n
    ).toString();
    await s.client.send(
      new SplitShardCommand({
        StreamName: s.target.streamName,
        ShardToSplit: first?.ShardId,
        NewStartingHashKey: middle,
      }),
    );
    await produce(
      writer,
      s.target.streamName,
      Array.from({ length: 300 }, (_, i) => testEvent(i, 'after-split')),
    );

    const result = await deliver(s.home, s.client, s.target.streamName);
    expect(result.records).toBe(600);
    expect(result.finishedShards).toBe(1);
    const counts = countBy(deliveredIds(s.home));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(counts.size).toBe(deliveredBefore + 600);
    const newFiles = rawFiles(s.home, 'ad_events').filter((f) => !filesBefore.has(f.key));
    const shardsInNames = new Set(newFiles.map((f) => /shardId-\d{12}/.exec(f.key)?.[0]));
    expect(shardsInNames.size).toBe(4); // the split parent, the untouched shard, the two children
    expect(readdirSync(join(s.home, 'state', 'stream'))).toContain(`${s.target.streamName}.checkpoints.json`);
  });
});
