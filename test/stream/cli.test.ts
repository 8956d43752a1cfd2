/** `lake stream ...` as a user runs it: separate processes sharing the emulator through the lake home. */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopEmulator } from '../../lib/stream/emulator';
import { countBy, deliveredIds, removeHome, tempHome } from './helpers';

const run = promisify(execFile);
const lake = join(__dirname, '..', '..', 'bin', 'lake.js');

describe('lake stream CLI', () => {
  const home = tempHome('cli');
  afterAll(async () => {
    await stopEmulator(home);
    removeHome(home);
  });

  it('produce starts the emulator; deliver --follow flushes what it holds on SIGTERM and exits cleanly', async () => {
    const p = await run(process.execPath, [
      lake,
      '--home',
      home,
      'stream',
      'produce',
      '--events',
      '800',
      '--duplicates',
      '0.05',
      '--seed',
      '5',
      '--json',
    ]);
    const produced = JSON.parse(p.stdout) as { events: number; duplicatesSent: number; records: number };
    expect(produced.events).toBe(800);
    expect(p.stderr).toMatch(/started the Kinesis emulator/);

    const status = await run(process.execPath, [lake, '--home', home, 'stream', 'status']);
    expect(status.stdout).toMatch(/emulator: running/);
    expect(status.stdout).toMatch(/stream lake-ad-events: ACTIVE/);

    // each shard flushes one file at 100 KB; the rest waits in memory (the buffer time is 10 min)
    const child = spawn(
      process.execPath,
      [
        lake,
        '--home',
        home,
        'stream',
        'deliver',
        '--follow',
        '--buffer-bytes',
        '100000',
        '--buffer-ms',
        '600000',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    await new Promise<void>((resolveFlushed) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if ((stderr.match(/delivered \d+ record/g) ?? []).length >= 2) resolveFlushed();
      });
    });
    const heldBeforeStop = produced.records - deliveredIds(home).length;
    expect(heldBeforeStop).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`delivered ${produced.records.toLocaleString('en-US')} record`));
    const counts = countBy(deliveredIds(home));
    expect(counts.size).toBe(800);
    expect([...counts.values()].filter((n) => n === 2)).toHaveLength(produced.duplicatesSent);

    const down = await run(process.execPath, [lake, '--home', home, 'stream', 'down']);
    expect(down.stdout).toMatch(/emulator stopped/);
  });
});
