/**
 * `lake serve` runs for hours while `lake etl` commits new snapshots: this wrapper reopens the local engine when
 * any table's Iceberg metadata version changes (checked at most every `checkEveryMs`), so the API always reads
 * the current snapshot. The previous engine is closed after a grace period, once its in-flight queries are done.
 */
import { availableParallelism } from 'node:os';
import { allTables } from '../contracts';
import { latestMetadataFile } from '../local/iceberg';
import { layout, tableDir } from '../local/layout';
import { openLocalEngine, type LocalEngine } from '../local/sql-engine';

export type ServedEngine = Pick<LocalEngine, 'query' | 'tables' | 'close'>;

/** The metadata version of every table: changes whenever a job commits. */
export function snapshotSignature(home: string): string {
  const l = layout(home);
  return allTables
    .map((t) => `${t.name}:${latestMetadataFile(tableDir(l, t.database, t.name))?.version ?? '-'}`)
    .join(',');
}

export async function reloadingEngine(
  home: string,
  opts: {
    checkEveryMs?: number;
    graceMs?: number;
    open?: (home: string) => Promise<ServedEngine>;
    signature?: (home: string) => string;
    onReload?: (signature: string) => void;
  } = {},
): Promise<ServedEngine & Pick<LocalEngine, 'home'>> {
  // the API's queries as of an older version read that version's files; as many statements at once as cores
  const open =
    opts.open ??
    ((h: string) => openLocalEngine(h, { olderVersions: true, concurrency: availableParallelism() }));
  const signature = opts.signature ?? snapshotSignature;
  const every = opts.checkEveryMs ?? 2000;
  const grace = opts.graceMs ?? 60_000;
  let current = await open(home);
  let sig = signature(home);
  let checkedAt = Date.now();
  let reloading: Promise<void> | undefined;
  const retired = new Set<NodeJS.Timeout>();

  async function fresh(): Promise<ServedEngine> {
    if (Date.now() - checkedAt >= every && !reloading) {
      checkedAt = Date.now();
      const now = signature(home);
      if (now !== sig) {
        reloading = (async () => {
          const next = await open(home);
          const old = current;
          current = next;
          sig = now;
          opts.onReload?.(now);
          const t = setTimeout(() => {
            retired.delete(t);
            void old.close();
          }, grace);
          t.unref();
          retired.add(t);
        })().finally(() => {
          reloading = undefined;
        });
      }
    }
    if (reloading) await reloading;
    return current;
  }

  return {
    home,
    query: async (sql, params) => (await fresh()).query(sql, params),
    tables: () => current.tables(),
    async close() {
      for (const t of retired) clearTimeout(t);
      await current.close();
    },
  };
}
