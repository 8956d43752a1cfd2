import { readLineageEvents } from '../../lib/lineage/events';
import { buildGraph, LineageTargetError, rawBatchOf, resolveTarget, traverse } from '../../lib/lineage/graph';
import { lakeAsync } from '../support/cli';
import { fixtureLake } from '../support/fixture-lake';

describe("lineage from the contracts and the jobs' OpenLineage events", () => {
  const home = () => fixtureLake().home;

  it('each run of the fixture lake left a START and then a COMPLETE event', () => {
    const events = readLineageEvents(home());
    const runs = new Map<string, string[]>();
    for (const e of events) runs.set(e.run.runId, [...(runs.get(e.run.runId) ?? []), e.eventType]);
    expect(runs.size).toBe(fixtureLake().reports.length);
    for (const kinds of runs.values()) expect(kinds).toEqual(['START', 'COMPLETE']);
  });

  it('curated.daily_sales reaches the raw transaction batches its rows came from, through the table version it read', () => {
    const graph = buildGraph(readLineageEvents(home()));
    const view = traverse(graph, resolveTarget('curated.daily_sales'), 'upstream', 10);
    const ids = view.nodes.map((n) => n.id);
    expect(ids).toContain('processed.transactions');
    const batches = view.nodes.filter((n) => n.kind === 'raw-batch').map((n) => n.id);
    const landed = fixtureLake()
      .reports.filter((r) => r.dataset === 'transactions')
      .flatMap((r) => r.files ?? [])
      .map((f) => `raw:${rawBatchOf(f)}`);
    expect(landed.length).toBeGreaterThan(0);
    expect([...new Set(batches)].sort()).toEqual([...new Set(landed)].sort());
    // no other dataset's raw data feeds daily_sales
    expect(batches.every((b) => b.startsWith('raw:transactions/'))).toBe(true);
    const tx = graph.nodes.get('processed.transactions');
    const report = fixtureLake().reports.find((r) => r.dataset === 'transactions');
    expect(tx?.versions).toContain(report?.snapshot_id);
  });

  it("a column's downstream impact is exactly the columns built from it", () => {
    const graph = buildGraph(readLineageEvents(home()));
    const view = traverse(graph, resolveTarget('transactions.amount_usd'), 'downstream', 10);
    const direct = view.edges
      .filter((e) => e.kind === 'direct')
      .map((e) => e.to)
      .sort();
    expect(direct).toEqual([
      'curated.campaign_performance.revenue_usd',
      'curated.campaign_performance.roas',
      'curated.daily_sales.refunded_usd',
      'curated.daily_sales.revenue_usd',
    ]);
    expect(
      view.nodes
        .filter((n) => n.distance > 0)
        .map((n) => n.id)
        .sort(),
    ).toEqual(direct);
    const status = traverse(graph, resolveTarget('transactions.status'), 'downstream', 10);
    expect(status.nodes.map((n) => n.id)).toContain('curated.daily_sales.units');
    expect(status.edges.every((e) => e.kind === 'indirect')).toBe(true);
  });

  it('a column upstream walks to its source columns and on to the raw batches of that table', () => {
    const graph = buildGraph(readLineageEvents(home()));
    const view = traverse(graph, resolveTarget('daily_sales.revenue_usd'), 'upstream', 3);
    expect(view.nodes.find((n) => n.id === 'processed.transactions.amount_usd')?.distance).toBe(1);
    expect(view.nodes.some((n) => n.kind === 'raw-batch' && n.distance === 2)).toBe(true);
    expect(
      traverse(graph, resolveTarget('daily_sales.revenue_usd'), 'upstream', 1).nodes.some(
        (n) => n.kind === 'raw-batch',
      ),
    ).toBe(false);
  });

  it.each([
    ['orders', 'dataset'],
    ['daily_sales.nope', 'column'],
    ['processed.daily_sales', 'dataset'],
    ['a.b.c.d', 'dataset'],
  ])('an unknown target %s names the %s', (target, field) => {
    expect(() => resolveTarget(target)).toThrow(LineageTargetError);
    try {
      resolveTarget(target);
    } catch (e) {
      expect((e as LineageTargetError).field).toBe(field);
    }
  });

  it('lake lineage prints the graph, and explains an unknown column without a stack trace', async () => {
    const ok = await lakeAsync(['lineage', 'daily_sales', '--json'], { home: home() });
    expect(ok.status).toBe(0);
    const view = JSON.parse(ok.stdout) as { nodes: { kind: string }[] };
    expect(view.nodes.some((n) => n.kind === 'raw-batch')).toBe(true);
    const bad = await lakeAsync(['lineage', 'daily_sales.revenue'], { home: home() });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/daily_sales has no column 'revenue' \(columns: order_date/);
    expect(bad.stderr).not.toMatch(/at .*\.ts:/);
  });
});
