/**
 * `lake diff`: what changed in a table between two versions, by business key. DuckDB joins the two snapshots' data
 * files (read through the same contract views as queries) on the key: a key only in the newer version was added,
 * only in the older one removed, in both with any column different changed (with the names of those columns).
 * Counts come from the whole join; only the listing is cut by `limit`.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { readSnapshotFiles } from './iceberg';
import type { SnapshotInfo } from './iceberg';
import { jsonValueConverter, viewSql } from './sql-engine';
import type { JsonValue } from './sql-engine';
import { resolveLakeVersion } from './versions';
import { VersionError } from '../versions/model';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface RowChange {
  readonly change: ChangeKind;
  /** business key values */
  readonly key: Readonly<Record<string, JsonValue>>;
  /** changed rows: the columns whose values differ (contract order); added/removed: [] */
  readonly columns: readonly string[];
  /** the row in the older version (null when added) */
  readonly before: Readonly<Record<string, JsonValue>> | null;
  /** the row in the newer version (null when removed) */
  readonly after: Readonly<Record<string, JsonValue>> | null;
}

export interface VersionRef {
  readonly version: string;
  readonly committedAt: string;
  /** what the user asked for (a version, a time or a ref name) */
  readonly asked: string;
}

export interface TableDiff {
  readonly table: string;
  readonly businessKey: readonly string[];
  readonly from: VersionRef;
  readonly to: VersionRef;
  /** exact counts over the whole table */
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  /** how many rows changed in each column (changed rows only) */
  readonly changedColumns: Readonly<Record<string, number>>;
  /** the first `limit` changes, ordered by business key */
  readonly rows: readonly RowChange[];
  /** true when `rows` holds fewer changes than the counts */
  readonly truncated: boolean;
}

export interface DiffOptions {
  /** most changes listed (default 20; counts stay exact) */
  readonly limit?: number;
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

const ref = (s: SnapshotInfo, asked: string): VersionRef => ({
  version: s.snapshotId,
  committedAt: s.committedAt,
  asked,
});

/** The changes of `table` from version `fromSpec` to `toSpec` (snapshot ids, times or tag/branch names). */
export async function diffVersions(
  home: string,
  table: string,
  fromSpec: string,
  toSpec: string,
  opts: DiffOptions = {},
): Promise<TableDiff> {
  const limit = opts.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 0) throw new VersionError(`--limit must be a whole number >= 0`);
  const from = resolveLakeVersion(home, table, fromSpec);
  const to = resolveLakeVersion(home, table, toSpec);
  const { contract, qualifiedName } = from.table;
  const meta = from.table.metadata;
  if (!meta) throw new VersionError(`${qualifiedName} has no versions yet`);
  const present = new Set(meta.schema.map((c) => c.name));
  const [a, b] = await Promise.all([
    readSnapshotFiles(meta, from.snapshot),
    readSnapshotFiles(meta, to.snapshot),
  ]);
  const key = contract.businessKey;
  const others = contract.columns.map((c) => c.name).filter((c) => !key.includes(c));
  const on = key.map((k) => `a.${ident(k)} = b.${ident(k)}`).join(' AND ');
  const differs = others.map((c) => `a.${ident(c)} IS DISTINCT FROM b.${ident(c)}`);
  const presentA = `a.${ident(key[0] ?? '')} IS NOT NULL`;
  const presentB = `b.${ident(key[0] ?? '')} IS NOT NULL`;
  const columnsExpr =
    others.length === 0
      ? '[]::VARCHAR[]'
      : `list_filter([${others.map((c, i) => `CASE WHEN ${differs[i]} THEN '${c}' END`).join(', ')}], x -> x IS NOT NULL)`;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    const view = (files: readonly { path: string }[]): string =>
      viewSql(
        contract,
        files.map((f) => f.path),
        present,
      );
    await conn.run(`CREATE TEMP VIEW va AS ${view(a.files)}`);
    await conn.run(`CREATE TEMP VIEW vb AS ${view(b.files)}`);
    await conn.run(
      `CREATE TEMP TABLE d AS SELECT ${key.map((k) => `COALESCE(a.${ident(k)}, b.${ident(k)}) AS ${ident(`k_${k}`)}`).join(', ')},
        CASE WHEN NOT (${presentA}) THEN 'added' WHEN NOT (${presentB}) THEN 'removed' ELSE 'changed' END AS change,
        CASE WHEN ${presentA} AND ${presentB} THEN ${columnsExpr} ELSE []::VARCHAR[] END AS columns,
        CASE WHEN ${presentA} THEN a END AS before, CASE WHEN ${presentB} THEN b END AS after
      FROM va a FULL OUTER JOIN vb b ON ${on}
      WHERE NOT (${presentA}) OR NOT (${presentB})${differs.length ? ` OR ${differs.join(' OR ')}` : ''}`,
    );
    const tally = await conn.runAndReadAll('SELECT change, count(*)::BIGINT AS n FROM d GROUP BY change');
    const byKind: Record<ChangeKind, number> = { added: 0, removed: 0, changed: 0 };
    for (const [kind, n] of tally.getRows()) byKind[kind as ChangeKind] = Number(n);
    const perColumn = await conn.runAndReadAll(
      'SELECT c, count(*)::BIGINT AS n FROM (SELECT unnest(columns) AS c FROM d) GROUP BY c',
    );
    const counts = new Map(perColumn.getRows().map(([c, n]) => [String(c), Number(n)]));
    const changedColumns: Record<string, number> = {};
    for (const c of others) {
      const n = counts.get(c);
      if (n) changedColumns[c] = n;
    }
    const listed = await conn.runAndReadAll(
      `SELECT * FROM d ORDER BY ${key.map((k) => ident(`k_${k}`)).join(', ')} LIMIT ${limit}`,
    );
    const rows = (listed.convertRowObjects(jsonValueConverter) as Record<string, JsonValue>[]).map(
      (r): RowChange => ({
        change: r.change as ChangeKind,
        key: Object.fromEntries(key.map((k) => [k, r[`k_${k}`] ?? null])),
        columns: (r.columns as string[] | null) ?? [],
        before: (r.before as Record<string, JsonValue> | null) ?? null,
        after: (r.after as Record<string, JsonValue> | null) ?? null,
      }),
    );
    const total = byKind.added + byKind.removed + byKind.changed;
    return {
      table: qualifiedName,
      businessKey: key,
      from: ref(from.snapshot, fromSpec),
      to: ref(to.snapshot, toSpec),
      ...byKind,
      changedColumns,
      rows,
      truncated: rows.length < total,
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
