/** The served engine follows new snapshots: reopened when the tables' metadata versions change. */
import { reloadingEngine, snapshotSignature, type ServedEngine } from '../../lib/serve/reloading-engine';
import { fixtureLake } from '../support/fixture-lake';

function fakeEngine(n: number, closed: number[]): ServedEngine {
  return {
    query: async () => ({ columns: [{ name: 'generation', type: 'INTEGER' }], rows: [{ generation: n }] }),
    tables: () => [],
    close: async () => {
      closed.push(n);
    },
  };
}

it('reopens the engine when a table commits, and closes the old one after the grace period', async () => {
  let sig = 'v1';
  let opened = 0;
  const closed: number[] = [];
  const engine = await reloadingEngine('/nowhere', {
    checkEveryMs: 0,
    graceMs: 10,
    open: async () => fakeEngine(++opened, closed),
    signature: () => sig,
  });
  expect((await engine.query('SELECT 1')).rows[0]?.generation).toBe(1);
  expect((await engine.query('SELECT 1')).rows[0]?.generation).toBe(1);
  sig = 'v2';
  expect((await engine.query('SELECT 1')).rows[0]?.generation).toBe(2);
  expect(opened).toBe(2);
  await new Promise((r) => setTimeout(r, 30));
  expect(closed).toEqual([1]);
  await engine.close();
  expect(closed).toEqual([1, 2]);
});

it('signs a lake by the metadata version of every table', () => {
  const sig = snapshotSignature(fixtureLake().home);
  expect(sig).toMatch(/^transactions:\d+,server_logs:\d+,/);
  expect(snapshotSignature('/nonexistent-lake')).toMatch(/^transactions:-,/);
});
