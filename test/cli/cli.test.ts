/** The `lake` CLI frame, through the real entry point (node bin/lake.js). */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandsInHelp, lakeAsync } from '../support/cli';

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'lake-cli-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

describe('--help', () => {
  it('every command and subcommand has a help text', async () => {
    const top = await lakeAsync(['--help']);
    expect(top.status).toBe(0);
    const names = commandsInHelp(top.stdout);
    expect(names).toEqual(
      expect.arrayContaining(['setup', 'ingest', 'generate', 'etl', 'query', 'catalog', 'demo', 'bench']),
    );
    const seen: string[] = [];
    const visit = async (path: string[]): Promise<void> => {
      const r = await lakeAsync([...path, '--help']);
      expect({ path, status: r.status }).toEqual({ path, status: 0 });
      expect(r.stdout).toContain(`Usage: lake ${path.join(' ')}`);
      seen.push(path.join(' '));
      await Promise.all(commandsInHelp(r.stdout).map((c) => visit([...path, c])));
    };
    await Promise.all(names.map((n) => visit([n])));
    expect(seen.length).toBeGreaterThanOrEqual(names.length);
  });
});

describe('errors and exit codes', () => {
  it('an unknown command is a usage error (exit 2)', async () => {
    const r = await lakeAsync(['no-such-command']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command/);
  });

  it('an unknown option is a usage error (exit 2)', async () => {
    const r = await lakeAsync(['query', 'SELECT 1', '--no-such-option']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option/);
  });

  it('a refused query fails with a clear message and no stack trace (exit 1)', async () => {
    const r = await lakeAsync(['query', 'DELETE FROM processed.transactions'], { home });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^lake: query: refused/m);
    noStack(r.stderr);
  });

  it('LAKE_DEBUG=1 adds the stack trace', async () => {
    const r = await lakeAsync(['query', 'SELECT * FROM read_csv(?)', '--param', '/etc/passwd'], {
      home,
      env: { LAKE_DEBUG: '1' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/at .+:\d+:\d+/);
  });

  it('an invalid option value is explained', async () => {
    const r = await lakeAsync(['generate', '--days', 'zero'], { home });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--days must be a positive integer/);
    noStack(r.stderr);
  });

  it('an unknown dataset is named', async () => {
    const [etl, cat] = await Promise.all([
      lakeAsync(['etl', 'orders'], { home }),
      lakeAsync(['catalog', 'orders'], { home }),
    ]);
    for (const r of [etl, cat]) {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/unknown dataset 'orders' \(known: transactions,/);
    }
  });
});

describe('--home and LAKE_HOME', () => {
  it('choose the lake folder (--home wins over LAKE_HOME)', async () => {
    const a = join(home, 'a');
    const b = join(home, 'b');
    const file = join(home, 'one.csv');
    writeFileSync(file, 'x\n');
    const viaEnv = await lakeAsync(['ingest', 'transactions', file, '--json'], { env: { LAKE_HOME: a } });
    const viaFlag = await lakeAsync(['--home', b, 'ingest', 'transactions', file, '--json'], {
      env: { LAKE_HOME: a },
    });
    expect(viaEnv.status).toBe(0);
    expect(viaFlag.status).toBe(0);
    const keyA = JSON.parse(viaEnv.stdout).files[0].key as string;
    const keyB = JSON.parse(viaFlag.stdout).files[0].key as string;
    expect(existsSync(join(a, 'raw', keyA))).toBe(true);
    expect(existsSync(join(b, 'raw', keyB))).toBe(true);
    expect(existsSync(join(a, 'raw', keyB))).toBe(false);
  });
});

describe('query on an empty lake', () => {
  it('prints the contract columns in every format', async () => {
    const sql = 'SELECT transaction_id, amount_usd FROM processed.transactions';
    const [table, json, csv] = await Promise.all(
      ['table', 'json', 'csv'].map((f) => lakeAsync(['query', sql, '--format', f], { home })),
    );
    expect(table?.stdout).toMatch(/^transaction_id\s+amount_usd\n/);
    expect(table?.stdout).toContain('(0 rows)');
    expect(JSON.parse(json?.stdout ?? '')).toEqual([]);
    expect(csv?.stdout.trim()).toBe('transaction_id,amount_usd');
  });

  it('binds --param values', async () => {
    const r = await lakeAsync(
      [
        'query',
        'SELECT ? AS s, ? AS n, ? AS q',
        '--param',
        "it's",
        '--param',
        '42',
        '--param',
        '"42"',
        '--format',
        'json',
      ],
      { home },
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ s: "it's", n: 42, q: '42' }]);
  });
});
