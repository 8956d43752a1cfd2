/** The Iceberg reader on tables the real Spark jobs wrote (the fixture lake, itself a moved lake). */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as avro from 'avsc';
import {
  IcebergError,
  icebergAvroType,
  latestMetadataFile,
  parseMetadataJson,
  readCurrentSnapshot,
  readTableMetadata,
  rebasePath,
} from '../../lib/local/iceberg';
import { layout, tableDir } from '../../lib/local/layout';
import { fixtureLake } from '../support/fixture-lake';

const typeOf = icebergAvroType;

function readAvroFile(path: string): Promise<{ records: Record<string, unknown>[]; schema: unknown }> {
  return new Promise((resolve, reject) => {
    const records: Record<string, unknown>[] = [];
    let schema: unknown;
    avro
      .createFileDecoder(path, { parseHook: (s: unknown) => ((schema = s), typeOf(s)) })
      .on('data', (r: Record<string, unknown>) => records.push(r))
      .on('end', () => resolve({ records, schema }))
      .on('error', reject);
  });
}

function writeAvroFile(path: string, schema: unknown, records: Record<string, unknown>[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const enc = avro.createFileEncoder(path, typeOf(schema));
    enc.on('error', reject);
    enc.on('finish', () => setTimeout(resolve, 50));
    for (const r of records) enc.write(r);
    enc.end();
  });
}

describe('metadata parsing', () => {
  it('keeps 64-bit snapshot ids exact', () => {
    const m = parseMetadataJson(
      '{"current-snapshot-id": 8643892016767113017, "snapshots": [{"snapshot-id": 8643892016767113017, "parent-snapshot-id": -5336313808391739634}]}',
    );
    expect(m['current-snapshot-id']).toBe('8643892016767113017');
    expect((m.snapshots as Record<string, unknown>[])[0]?.['parent-snapshot-id']).toBe(
      '-5336313808391739634',
    );
  });

  it('rebases absolute paths written elsewhere onto the table folder', () => {
    expect(rebasePath('file:/old/wh/processed/t/data/d=1/a.parquet', '/old/wh/processed/t', '/new/t')).toBe(
      '/new/t/data/d=1/a.parquet',
    );
    expect(rebasePath('/elsewhere/x/metadata/snap-1.avro', '/old/wh/processed/t', '/new/t')).toBe(
      '/new/t/metadata/snap-1.avro',
    );
    expect(() => rebasePath('/nowhere/file.parquet', '/old', '/new')).toThrow(IcebergError);
  });

  it('a folder without metadata is no table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lake-ice-'));
    try {
      expect(readTableMetadata(dir)).toBeNull();
      expect(await readCurrentSnapshot(dir)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a table written by Spark', () => {
  let dir: string;
  let table: string;
  beforeAll(() => {
    const fx = fixtureLake();
    dir = mkdtempSync(join(tmpdir(), 'lake-ice-'));
    table = join(dir, 'transactions');
    cpSync(tableDir(layout(fx.home), 'processed', 'transactions'), table, { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the live Parquet files of the current snapshot with counts, day partitions and bounds', async () => {
    const s = await readCurrentSnapshot(table);
    expect(s?.snapshot?.snapshotId).toMatch(/^\d+$/);
    expect(s?.files.length).toBeGreaterThan(0);
    expect(s?.recordCount).toBe(Number(s?.snapshot?.summary['total-records']));
    expect(s?.files.length).toBe(Number(s?.snapshot?.summary['total-data-files']));
    for (const f of s?.files ?? []) {
      expect(f.path.startsWith(join(table, 'data'))).toBe(true);
      const day = Object.values(f.partition)[0];
      expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(String(f.bounds.created_at?.lower).slice(0, 10)).toBe(day);
      expect(String(f.bounds.created_at?.upper).slice(0, 10)).toBe(day);
    }
    expect(s?.metadata.partitionSpec).toEqual([
      expect.objectContaining({ transform: 'day', sourceName: 'created_at' }),
    ]);
  });

  it('takes the newest vN.metadata.json, whatever version-hint.text says', () => {
    const meta = join(table, 'metadata');
    const newest = latestMetadataFile(table);
    expect(newest).not.toBeNull();
    writeFileSync(join(meta, 'version-hint.text'), '1');
    expect(latestMetadataFile(table)).toEqual(newest);
    // an uncommitted temp file (Hadoop tables write a temp file, then rename it) is not a version
    writeFileSync(join(meta, `${'0'.repeat(8)}-tmp.metadata.json`), '{');
    expect(latestMetadataFile(table)).toEqual(newest);
  });

  it('fails clearly when a snapshot holds delete files (merge-on-read)', async () => {
    const s = await readCurrentSnapshot(table);
    const current = latestMetadataFile(table);
    const listName = readdirSync(join(table, 'metadata')).find((n) =>
      n.startsWith(`snap-${s?.snapshot?.snapshotId}-`),
    ) as string;
    // a copy of the table whose current manifest list says its manifests hold deletes (content 1)
    const bad = join(dir, 'bad');
    cpSync(table, bad, { recursive: true });
    const { records, schema } = await readAvroFile(join(bad, 'metadata', listName));
    await writeAvroFile(
      join(bad, 'metadata', `deletes-${listName}`),
      schema,
      records.map((r) => ({ ...r, content: 1 })),
    );
    const text = readFileSync(current?.file as string, 'utf8')
      .split(listName)
      .join(`deletes-${listName}`);
    writeFileSync(join(bad, 'metadata', `v${(current?.version ?? 0) + 1}.metadata.json`), text);
    await expect(readCurrentSnapshot(bad)).rejects.toThrow(/delete files .*copy-on-write tables only/);
  });
});
