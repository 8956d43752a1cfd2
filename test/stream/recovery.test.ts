import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { deliver } from '../../lib/stream/delivery';
import type { DeliveredFile } from '../../lib/stream/delivery';
import { startEmulator, stopEmulator, emulatorStatus } from '../../lib/stream/emulator';
import { produce } from '../../lib/stream/producer';
import { kinesisWriter } from '../../lib/stream/writer';
import { countBy, deliveredIds, openTestStream, rawFiles, testEvent } from './helpers';
import type { TestStream } from './helpers';

const repo = join(__dirname, '..', '..');

function expectExactlyOnce(home: string, expectedIds: readonly string[]): void {
  const counts = countBy(deliveredIds(home));
  expect(counts.size).toBe(expectedIds.length);
  for (const id of expectedIds) expect(counts.get(id)).toBe(1);
}

const snapshot = (home: string): Map<string, string> =>
  new Map(rawFiles(home, 'ad_events').map((f) => [f.key, f.bytes.toString('base64')]));

describe('delivery worker crashes', () => {
  let s: TestStream;
  beforeEach(async () => {
    s = await openTestStream('crash');
  });
  afterEach(async () => {
    await s.close();
  });

  it('killed (SIGKILL) mid-buffer and restarted: no record lost, no file written twice', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => testEvent(i, 'kill'));
    await produce(kinesisWriter(s.client), s.target.streamName, events);
    // a worker in its own process that flushes each shard once (at 60 KB) and then holds the rest in its buffer
    const child = spawn(
      process.execPath,
      [
        '-r',
        'tsx/cjs',
        join(__dirname, 'deliver-child.ts'),
        s.home,
        s.endpoint,
        s.target.streamName,
        String(60_000),
        String(600_000),
      ],
      {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const files: string[] = [];
    await new Promise<void>((resolveRead, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        for (const line of text.split('\n').slice(0, -1))
          if (line.startsWith('FILE ')) files.push(line.slice(5));
        if (text.includes('READ\n')) resolveRead();
        text = text.slice(text.lastIndexOf('\n') + 1);
      });
      child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(files.length).toBeGreaterThanOrEqual(2); // both shards delivered one file...
    const beforeCrash = snapshot(s.home);
    expect(deliveredIds(s.home).length).toBeLessThan(1000); // ...and the rest was only in memory

    const result = await deliver(s.home, s.client, s.target.streamName);
    expectExactlyOnce(
      s.home,
      events.map((e) => e.event_id as string),
    );
    expect(result.records).toBe(1000 - deliveredIdsCount(beforeCrash, s.home)); // only what was lost from memory
    // the files written before the kill are untouched
    const after = snapshot(s.home);
    for (const [key, bytes] of beforeCrash) expect(after.get(key)).toBe(bytes);
  });

  it('crashing after writing a file but before the checkpoint redoes the same file on restart', async () => {
    const events = Array.from({ length: 900 }, (_, i) => testEvent(i, 'redo'));
    await produce(kinesisWriter(s.client), s.target.streamName, events);
    const small = { maxBytes: 20_000, maxMs: 600_000, pollMs: 50 };
    let crashed: DeliveredFile | undefined;
    let n = 0;
    await expect(
      deliver(s.home, s.client, s.target.streamName, {
        buffering: small,
        beforeCheckpoint: (f) => {
          if (++n === 3) {
            crashed = f;
            throw new Error('simulated crash');
          }
        },
      }),
    ).rejects.toThrow('simulated crash');
    const crashedKey = crashed?.key as string;
    const beforeRestart = snapshot(s.home);
    expect(beforeRestart.has(crashedKey)).toBe(true);

    const redoneFiles: DeliveredFile[] = [];
    // a different buffer size on restart must not change the redone delivery
    const result = await deliver(s.home, s.client, s.target.streamName, {
      buffering: { ...small, maxBytes: 50_000 },
      onFile: (f) => {
        if (f.redone) redoneFiles.push(f);
      },
    });
    expect(result.redoneDeliveries).toBe(1);
    expect(redoneFiles.map((f) => [f.key, f.firstSequenceNumber, f.lastSequenceNumber])).toEqual([
      [crashedKey, crashed?.firstSequenceNumber, crashed?.lastSequenceNumber],
    ]);
    const after = snapshot(s.home);
    for (const [key, bytes] of beforeRestart) expect(after.get(key)).toBe(bytes); // same name, same bytes
    expectExactlyOnce(
      s.home,
      events.map((e) => e.event_id as string),
    );
  });
});

/** Records in the given files (by key) as they are on disk now. */
function deliveredIdsCount(files: Map<string, string>, home: string): number {
  return rawFiles(home, 'ad_events')
    .filter((f) => files.has(f.key))
    .reduce((n, f) => n + f.lines.length, 0);
}

describe('emulator restarted mid-stream', () => {
  let s: TestStream;
  beforeAll(async () => {
    s = await openTestStream('restart');
  });
  afterAll(async () => {
    await s.close();
  });

  it('keeps the stream on disk and a following worker resumes after the restart', async () => {
    const writer = kinesisWriter(s.client);
    const ids = (tag: string, n: number): Record<string, unknown>[] =>
      Array.from({ length: n }, (_, i) => testEvent(i, tag));
    const a = ids('a', 300);
    const b = ids('b', 300);
    const c = ids('c', 300);
    let delivered = 0;
    const waitFor = async (n: number): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (delivered < n) {
        if (Date.now() > deadline) throw new Error(`only ${delivered} of ${n} delivered`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const controller = new AbortController();
    const worker = deliver(s.home, s.client, s.target.streamName, {
      follow: true,
      signal: controller.signal,
      buffering: { maxBytes: 1_000_000, maxMs: 200, pollMs: 1000 },
      retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 300 },
      onFile: (f) => {
        delivered += f.records;
      },
    });
    await produce(writer, s.target.streamName, a);
    await waitFor(300);
    await produce(writer, s.target.streamName, b);
    const { pid } = (await stopEmulator(s.home)) as { pid: number };
    expect((await emulatorStatus(s.home)).running).toBe(false);
    const restarted = await startEmulator(s.home);
    expect(restarted.started).toBe(true);
    expect(restarted.pid).not.toBe(pid);
    expect(restarted.port).toBe(s.port); // same endpoint: the worker's client reconnects
    await produce(writer, s.target.streamName, c);
    await waitFor(900);
    controller.abort();
    const result = await worker;
    expect(result.records).toBe(900);
    expectExactlyOnce(
      s.home,
      [...a, ...b, ...c].map((e) => e.event_id as string),
    );
  });
});
