import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../lib/stream/client';
import { resolveStreamTarget } from '../../lib/stream/config';
import { openStream } from '../../lib/stream/connect';
import { emulatorPaths, emulatorStatus, startEmulator, stopEmulator } from '../../lib/stream/emulator';
import { removeHome, tempHome } from './helpers';

describe('the managed Kinesis emulator', () => {
  const home = tempHome('emulator');
  afterAll(async () => {
    await stopEmulator(home);
    removeHome(home);
  });

  it('starts once on 127.0.0.1 with its data in the lake home, and is found again by later commands', async () => {
    expect((await emulatorStatus(home)).running).toBe(false);
    const [a, b] = await Promise.all([startEmulator(home), startEmulator(home)]); // two commands at once: one emulator
    expect([a.started, b.started].sort()).toEqual([false, true]);
    expect(a.pid).toBe(b.pid);
    expect(a.endpoint).toBe(`http://127.0.0.1:${a.port}`);
    const state = JSON.parse(readFileSync(emulatorPaths(home).stateFile, 'utf8')) as {
      pid: number;
      port: number;
    };
    expect(state).toMatchObject({ pid: a.pid, port: a.port });
    expect(existsSync(emulatorPaths(home).dataDir)).toBe(true);

    // produce/deliver open the stream through it and create the stream once
    const target = resolveStreamTarget({ streamName: 'emu-test', shardCount: 1 }, {});
    const first = await openStream(home, target);
    const second = await openStream(home, target);
    expect([first.startedEmulator, first.createdStream, second.createdStream]).toEqual([false, true, false]);
    first.client.destroy();
    second.client.destroy();

    const stopped = await stopEmulator(home);
    expect(stopped).toEqual({ stopped: true, pid: a.pid });
    expect(await emulatorStatus(home)).toMatchObject({ running: false, reason: `process ${a.pid} is gone` });
    expect(await stopEmulator(home)).toEqual({ stopped: false });

    // restarted: same port, and the stream is still there (LevelDB in <home>/state/kinesis)
    const again = await startEmulator(home);
    expect(again.port).toBe(a.port);
    const client = createKinesisClient(resolveStreamTarget({ endpoint: again.endpoint }, {}));
    const names = await client.send(new ListStreamsCommand({}));
    client.destroy();
    expect(names.StreamNames).toEqual(['emu-test']);
  });

  it('treats a state file whose process is gone as not running, and starts a new emulator', async () => {
    await stopEmulator(home);
    const paths = emulatorPaths(home);
    const stale = { ...JSON.parse(readFileSync(paths.stateFile, 'utf8')), pid: 2 ** 22 - 1 };
    writeFileSync(paths.stateFile, JSON.stringify(stale));
    expect((await emulatorStatus(home)).running).toBe(false);
    const e = await startEmulator(home);
    expect(e.started).toBe(true);
    expect((await emulatorStatus(home)).running).toBe(true);
  });
});
