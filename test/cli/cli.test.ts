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

describe('query says what it refused or could not run, and why, then DuckDB', () => {
  const tables = "the lake's tables (processed.<dataset>, curated.<table>; `lake catalog` lists them)";
  const out = (): string => join(home, 'copied.csv');
  const cases: [string, () => string, string, RegExp | null][] = [
    [
      'INSTALL',
      () => 'INSTALL httpfs',
      'refused INSTALL: it would install a DuckDB extension, and the local engine installs none (it has the ones built into it: json, parquet, icu and a few more).',
      null,
    ],
    [
      'LOAD',
      () => 'LOAD httpfs',
      'refused LOAD: it would load a DuckDB extension, and the local engine has only the ones built into it (json, parquet, icu and a few more).',
      null,
    ],
    [
      'ATTACH',
      () => `ATTACH '${join(home, 'other.duckdb')}' AS other`,
      `refused ATTACH: it would open another database, and the local engine reads only ${tables}.`,
      null,
    ],
    [
      'COPY',
      () => `COPY (SELECT 1 AS a) TO '${out()}'`,
      `refused COPY: it would write a file or load one into a table, and the local engine writes nothing and reads only ${tables}.`,
      /^DuckDB: Permission Error: Cannot access file ".*copied\.csv" - file system operations are disabled/,
    ],
    [
      "read_csv('/etc/passwd')",
      () => "SELECT * FROM read_csv('/etc/passwd')",
      `refused reading "/etc/passwd": the local engine reads only the data files of ${tables}.`,
      /^DuckDB: Permission Error: Cannot access file "\/etc\/passwd" - file system operations are disabled/,
    ],
    [
      'a syntax error',
      () => 'SELEC 1',
      'not valid SQL: DuckDB could not parse it.',
      /^DuckDB: Parser Error: syntax error at or near "SELEC"$/,
    ],
    [
      'an unknown table',
      () => 'SELECT * FROM processed.orders',
      `no table "orders": the local engine has ${tables}.`,
      /^DuckDB: Catalog Error: Table with name orders does not exist!$/,
    ],
    [
      'an unknown column',
      () => 'SELECT order_total FROM processed.transactions',
      'no column "order_total" in the tables the query reads (`lake catalog <dataset>` lists their columns).',
      /^DuckDB: Binder Error: Referenced column "order_total" not found in FROM clause!$/,
    ],
    [
      'two statements',
      () => 'SELECT 1; SELECT 2',
      'refused 2 statements in one query: the local engine runs one read statement per query, a SELECT (or WITH ... SELECT, VALUES, DESCRIBE, SUMMARIZE, EXPLAIN).',
      null,
    ],
  ];
  it.each(cases)('%s', async (_what, sql, first, engine) => {
    const r = await lakeAsync(['query', sql()], { home });
    expect(r.status).toBe(1);
    noStack(r.stderr);
    const [line, next] = r.stderr.split('\n');
    expect(line).toBe(`lake: query: ${first}`);
    if (engine) expect(next).toMatch(engine);
    else expect(r.stderr).not.toContain('DuckDB:');
    expect(existsSync(out())).toBe(false);
  });
});
