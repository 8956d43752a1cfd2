/**
 * Which blocked runs wait for review, and the errors `lake publish` / `lake discard` answer, from run reports alone.
 * The reports are the fixture lake's own, with the fields a blocked run and its review write.
 */
import type { RunReport } from '../../lib/contracts/run-report';
import { VersionError } from '../../lib/versions/model';
import { reviewableRun, reviews, waitingRuns } from '../../lib/versions/review';
import { fixtureLake, fixtureReport } from '../support/fixture-lake';

const base = (): RunReport => {
  const r = fixtureReport(fixtureLake(), 'transactions');
  if (!r) throw new Error('the fixture lake has no transactions report');
  return r;
};
const blocked = (runId: string, at: string, branch: string | null = `audit_${runId}`): RunReport => ({
  ...base(),
  run_id: runId,
  started_at: at,
  status: 'blocked',
  quality: { outcome: 'blocked', mode: 'enforce', branch, checks: [] },
});
const review = (action: 'publish' | 'discard', of: string, status = 'succeeded'): RunReport =>
  ({
    ...base(),
    run_id: `m-${action}-${of}`,
    started_at: '2026-12-02T12:00:00Z',
    status,
    operation: action,
    details: { run_id: of },
  }) as RunReport;

describe('the review of blocked runs', () => {
  const a = blocked('r1', '2026-12-02T10:00:00Z');
  const b = blocked('r2', '2026-12-02T11:00:00Z');
  const ok = { ...base(), run_id: 'r0', status: 'succeeded' } as RunReport;

  it('waits for the blocked runs no succeeded publish or discard settled, oldest first', () => {
    expect(waitingRuns([b, ok, a]).map((r) => r.run_id)).toEqual(['r1', 'r2']);
    expect(waitingRuns([a, b, review('publish', 'r1')]).map((r) => r.run_id)).toEqual(['r2']);
    // a refused attempt settles nothing
    expect(waitingRuns([a, review('discard', 'r1', 'failed')]).map((r) => r.run_id)).toEqual(['r1']);
    expect(reviews([a, review('discard', 'r1')]).get('r1')).toMatchObject({ action: 'discard' });
  });

  it('finds a waiting run whose branch is still on the table', () => {
    expect(reviewableRun('processed.transactions', 'r2', [a, b], ['main', 'audit_r2']).run_id).toBe('r2');
  });

  it.each([
    ['an unknown run', 'nope', [] as string[], /has no run nope; blocked runs waiting: r1, r2/],
    [
      'a run that was not blocked',
      'r0',
      [],
      /run r0 .* was not blocked \(status succeeded\).*waiting: r1, r2/,
    ],
    ['a run already published', 'r3', [], /no longer waiting \(published by run m-publish-r3\)/],
    [
      'a run whose branch is gone',
      'r1',
      ['main', 'audit_r2'],
      /has no branch audit_r1 for run r1 \(branches: audit_r2\)/,
    ],
  ])('refuses %s, naming what exists', (_what, runId, branches, message) => {
    const c = blocked('r3', '2026-12-02T09:00:00Z');
    const reports = [ok, a, b, c, review('publish', 'r3')];
    expect(() => reviewableRun('processed.transactions', runId, reports, branches)).toThrow(VersionError);
    expect(() => reviewableRun('processed.transactions', runId, reports, branches)).toThrow(message);
  });
});
