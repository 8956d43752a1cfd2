import { tableContract } from '../../lib/contracts';
import { icebergMaintenance } from '../../lib/contracts/iceberg';
import type { RefInfo, SnapshotInfo } from '../../lib/local/iceberg';
import { dueReasons, smallFileShare } from '../../lib/local/upkeep';

const m = icebergMaintenance(tableContract('ad_events'));
const now = Date.parse('2026-12-02T12:00:00Z');
const day = 86_400_000;

const files = (n: number, bytes: number, d = '2026-12-01') =>
  Array.from({ length: n }, () => ({ fileSizeBytes: bytes, partition: { event_time_day: d } }));

function snapshots(ages: readonly number[]): SnapshotInfo[] {
  return ages.map((ageDays, i) => ({
    snapshotId: String(1000 + i),
    parentSnapshotId: i === 0 ? null : String(999 + i),
    sequenceNumber: i + 1,
    timestampMs: now - ageDays * day,
    committedAt: new Date(now - ageDays * day).toISOString(),
    operation: 'append',
    summary: {},
    manifestList: null,
  }));
}

const none = { snapshots: snapshots([0]), refs: [] as RefInfo[] };

describe('when a table is due for upkeep', () => {
  it('is due once one day partition holds compactionMinInputFiles small files, not before', () => {
    const small = 1024;
    expect(dueReasons(files(m.compactionMinInputFiles - 1, small), none, m, now)).toEqual([]);
    const spread = [...files(m.compactionMinInputFiles - 1, small), ...files(5, small, '2026-11-30')];
    expect(dueReasons(spread, none, m, now)).toEqual([]);
    expect(dueReasons(files(m.compactionMinInputFiles, small), none, m, now)).toEqual([
      `1 partition(s) with at least ${m.compactionMinInputFiles} small files (2026-12-01: ${m.compactionMinInputFiles})`,
    ]);
    // files near the target are not small: nothing to compact
    const big = Math.ceil(m.targetFileSizeBytes * smallFileShare);
    expect(dueReasons(files(m.compactionMinInputFiles * 2, big), none, m, now)).toEqual([]);
  });

  it('is due when a version outside the newest minSnapshotsToKeep, and not tagged, is past the retention', () => {
    const old = m.snapshotRetentionDays + 1;
    const keep = Array.from({ length: m.minSnapshotsToKeep }, () => 0);
    // as many versions as are always kept, however old: not due
    expect(dueReasons([], { snapshots: snapshots(keep.map(() => old)), refs: [] }, m, now)).toEqual([]);
    const withOld = snapshots([old, old, ...keep]);
    expect(dueReasons([], { snapshots: withOld, refs: [] }, m, now)).toEqual([
      `2 version(s) older than ${m.snapshotRetentionDays} days to expire`,
    ]);
    // tagged old versions are never expired
    const tags: RefInfo[] = withOld
      .slice(0, 2)
      .map((s, i) => ({ name: `t${i}`, type: 'tag', snapshotId: s.snapshotId, maxRefAgeMs: null }));
    expect(dueReasons([], { snapshots: withOld, refs: tags }, m, now)).toEqual([]);
    // young enough: not due
    const young = snapshots([m.snapshotRetentionDays - 1, ...keep]);
    expect(dueReasons([], { snapshots: young, refs: [] }, m, now)).toEqual([]);
  });
});
