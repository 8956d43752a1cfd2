import { tableContract } from '../../lib/contracts';
import { icebergMaintenance } from '../../lib/contracts/iceberg';
import type { RefInfo, SnapshotInfo } from '../../lib/local/iceberg';
import { dueReasons, retainedSnapshots, smallFileShare } from '../../lib/local/upkeep';

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

  const main = (snaps: readonly SnapshotInfo[]): RefInfo => ({
    name: 'main',
    type: 'branch',
    snapshotId: (snaps[snaps.length - 1] as SnapshotInfo).snapshotId,
    maxRefAgeMs: null,
  });

  it('is due when a version outside the newest minSnapshotsToKeep of main, and not tagged, is past the retention', () => {
    const old = m.snapshotRetentionDays + 1;
    const keep = Array.from({ length: m.minSnapshotsToKeep }, () => 0);
    // as many versions as are always kept, however old: not due
    const kept = snapshots(keep.map(() => old));
    expect(dueReasons([], { snapshots: kept, refs: [main(kept)] }, m, now)).toEqual([]);
    const withOld = snapshots([old, old, ...keep]);
    expect(dueReasons([], { snapshots: withOld, refs: [main(withOld)] }, m, now)).toEqual([
      `2 version(s) older than ${m.snapshotRetentionDays} days to expire`,
    ]);
    // tagged old versions are never expired, unless the tag itself is past its own age
    const tags: RefInfo[] = withOld
      .slice(0, 2)
      .map((s, i) => ({ name: `t${i}`, type: 'tag', snapshotId: s.snapshotId, maxRefAgeMs: null }));
    expect(dueReasons([], { snapshots: withOld, refs: [main(withOld), ...tags] }, m, now)).toEqual([]);
    const shortTag = { ...tags[0], maxRefAgeMs: day } as RefInfo;
    expect(
      dueReasons([], { snapshots: withOld, refs: [main(withOld), shortTag, tags[1] as RefInfo] }, m, now),
    ).toEqual([`1 version(s) older than ${m.snapshotRetentionDays} days to expire`]);
    // young enough: not due
    const young = snapshots([m.snapshotRetentionDays - 1, ...keep]);
    expect(dueReasons([], { snapshots: young, refs: [main(young)] }, m, now)).toEqual([]);
  });

  it("keeps an audit branch's head and its ancestors as Iceberg does, so that an old blocked run is not due for ever", () => {
    const old = m.snapshotRetentionDays + 1;
    const line = snapshots([old, old, ...Array.from({ length: m.minSnapshotsToKeep }, () => 0)]);
    // the blocked run's snapshot builds on the second (old) version of main
    const held: SnapshotInfo = {
      ...(line[1] as SnapshotInfo),
      snapshotId: '5000',
      parentSnapshotId: (line[1] as SnapshotInfo).snapshotId,
    };
    const branch: RefInfo = { name: 'audit_r1', type: 'branch', snapshotId: '5000', maxRefAgeMs: null };
    const metadata = { snapshots: [...line, held], refs: [main(line), branch] };
    expect(
      retainedSnapshots(metadata, m.minSnapshotsToKeep, now - m.snapshotRetentionDays * day, now),
    ).toEqual(new Set([...line.map((s) => s.snapshotId), '5000']));
    expect(dueReasons([], metadata, m, now)).toEqual([]);
    // once the branch is dropped, its snapshot and main's two old ones expire
    expect(dueReasons([], { snapshots: [...line, held], refs: [main(line)] }, m, now)).toEqual([
      `3 version(s) older than ${m.snapshotRetentionDays} days to expire`,
    ]);
  });
});
