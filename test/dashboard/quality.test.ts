/** The versions panel's reading of a table's last run quality, from what /v1/pipelines reports. */
import type { TableHealth } from '../../lib/dashboard/page/metadata-panels';
import { qualityOf } from '../../lib/dashboard/page/versions-panel';

const health = (lastRun: TableHealth['lastRun'], quality: string | null): TableHealth => ({
  table: 'transactions',
  qualifiedName: 'processed.transactions',
  light: 'green',
  freshness: { state: 'fresh', objectiveMinutes: 60, ageMinutes: 1 },
  lastRun,
  held: [],
  quality,
});
const run = (status: string): TableHealth['lastRun'] => ({
  status,
  startedAt: '2026-12-02T10:00:00Z',
  error: null,
});

describe('qualityOf', () => {
  it("takes the gate's own outcome", () => {
    expect(qualityOf(health(run('succeeded'), 'passed'))).toBe('passed');
    expect(qualityOf(health(run('succeeded'), 'WARNED'))).toBe('warned');
    expect(qualityOf(health(run('blocked'), 'blocked'))).toBe('blocked');
  });

  it('calls a held run blocked even when its report names no outcome, and a failed gate blocked', () => {
    expect(qualityOf(health(run('blocked'), null))).toBe('blocked');
    expect(qualityOf(health(run('succeeded'), 'failed'))).toBe('blocked');
  });

  it('says when there was no gate or no run', () => {
    expect(qualityOf(health(run('succeeded'), null))).toBe('no gate');
    expect(qualityOf(health(null, null))).toBe('no run');
    expect(qualityOf(undefined)).toBe('no run');
  });
});
