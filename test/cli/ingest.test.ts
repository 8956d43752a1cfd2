/** `lake ingest`: files land unchanged, under one batch, with a manifest; bad input gets a clear answer. */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestManifest } from '../../lib/local/ingest';
import { lakeAsync } from '../support/cli';

let dir: string;
let src: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lake-ingest-'));
  src = join(dir, 'src');
  mkdirSync(join(src, 'nested', 'deeper'), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

it('lands files byte for byte under raw/<prefix>ingest_date=/batch=/, recursing into directories, and writes the manifest', async () => {
  const files: Record<string, Buffer> = {
    'a.csv': Buffer.from('\uFEFFtransaction_id,order_id\r\n"T-1","O-1"\r\n', 'utf8'),
    'nested/b.csv': Buffer.from([0x74, 0xff, 0x0a, 0x00, 0x41]),
    'nested/deeper/c.csv': Buffer.from('x\n'),
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(src, name), content);
  writeFileSync(join(src, '.DS_Store'), 'junk');
  const home = join(dir, 'lake');
  const r = await lakeAsync(['ingest', 'transactions', src, '--json'], { home });
  expect(r.status).toBe(0);
  const m = JSON.parse(r.stdout) as IngestManifest;
  expect(m.dataset).toBe('transactions');
  expect(m.files.map((f) => f.name).sort()).toEqual(['a.csv', 'b.csv', 'c.csv']);
  expect(r.stderr).toMatch(/skipped hidden file .*\.DS_Store/);
  for (const [name, content] of Object.entries(files)) {
    const f = m.files.find((x) => x.name === name.split('/').pop());
    expect(f?.key).toMatch(
      new RegExp(`^transactions/ingest_date=\\d{4}-\\d{2}-\\d{2}/batch=${m.batch_id}/[abc]\\.csv$`),
    );
    const landed = readFileSync(join(home, 'raw', ...(f?.key ?? '').split('/')));
    expect(landed.equals(content)).toBe(true);
    expect(f?.sha256).toBe(sha(content));
    expect(f?.bytes).toBe(content.length);
  }
  expect(m.total_bytes).toBe(Object.values(files).reduce((n, b) => n + b.length, 0));
  const saved = JSON.parse(
    readFileSync(join(home, 'state', 'ingest', `${m.batch_id}.json`), 'utf8'),
  ) as IngestManifest;
  expect(saved).toEqual(m);
  // nothing staged is left behind
  expect(readdirSync(join(home, 'state', 'ingest')).filter((e) => e.startsWith('.staging'))).toEqual([]);
});

it('prints a readable manifest by default', async () => {
  writeFileSync(
    join(src, 'x.log'),
    '127.0.0.1 - - [03/Mar/2025:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "curl"\n',
  );
  const r = await lakeAsync(['ingest', 'server_logs', join(src, 'x.log')], { home: join(dir, 'lake') });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^batch \S+: 1 file\(s\), \d+ B landed for server_logs/);
  expect(r.stdout).toMatch(/server_logs\/ingest_date=.*\/x\.log/);
});

it('each ingest is a new batch; the same file twice lands twice (raw is immutable, the jobs deduplicate)', async () => {
  writeFileSync(join(src, 'p.json'), '{"post_id":"1"}\n');
  const home = join(dir, 'lake');
  const [one, two] = [
    await lakeAsync(['ingest', 'social_posts', join(src, 'p.json'), '--json'], { home }),
    await lakeAsync(['ingest', 'social_posts', join(src, 'p.json'), '--json'], { home }),
  ];
  const a = JSON.parse(one.stdout) as IngestManifest;
  const b = JSON.parse(two.stdout) as IngestManifest;
  expect(a.batch_id).not.toBe(b.batch_id);
  expect(a.files[0]?.sha256).toBe(b.files[0]?.sha256);
});

it('accepts an empty file with a warning', async () => {
  writeFileSync(join(src, 'empty.csv'), '');
  const r = await lakeAsync(['ingest', 'transactions', join(src, 'empty.csv'), '--json'], {
    home: join(dir, 'lake'),
  });
  expect(r.status).toBe(0);
  expect(r.stderr).toMatch(/warning: .*empty\.csv is empty/);
  expect((JSON.parse(r.stdout) as IngestManifest).files[0]?.bytes).toBe(0);
});

describe('refuses, clearly, and lands nothing', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['an unknown dataset', () => ['orders', join(src, 'a.csv')], /unknown dataset 'orders'/],
    [
      'a missing file',
      () => ['transactions', join(src, 'nope.csv')],
      /no such file or directory: .*nope\.csv/,
    ],
    ['an empty directory', () => ['transactions', join(src, 'nested', 'deeper')], /holds no files/],
    [
      'two files of the same name',
      () => ['transactions', join(src, 'a.csv'), join(src, 'nested', 'a.csv')],
      /two files named 'a\.csv'/,
    ],
  ];
  it.each(cases)('%s', async (_what, args, message) => {
    writeFileSync(join(src, 'a.csv'), 'x\n');
    if (_what.includes('same name')) writeFileSync(join(src, 'nested', 'a.csv'), 'y\n');
    const home = join(dir, 'lake');
    const r = await lakeAsync(['ingest', ...args()], { home });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    noStack(r.stderr);
    expect(existsSync(join(home, 'raw'))).toBe(false);
  });

  it('no arguments is a usage error', async () => {
    const r = await lakeAsync(['ingest', 'transactions']);
    expect(r.status).toBe(2);
  });
});
