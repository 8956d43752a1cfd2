/** What `lake serve` keeps in memory: a result only for a query that outlived the synchronous budget. */
import { DuckDbEngine } from '../../lib/serve/duckdb-engine';

const ctx = { role: 'admin' as const, requestId: 'r' };
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ i }));

describe('results kept by the local engine', () => {
  it('drops a result answered within the budget once its request read it', async () => {
    const engine = new DuckDbEngine({ query: async () => ({ columns: [], rows: rows(3) }) });
    for (let i = 0; i < 50; i++) {
      const id = await engine.start({ sql: 'SELECT 1', params: [] }, ctx);
      expect(await engine.wait(id, 1000, ctx)).toBe('succeeded');
      expect((await engine.results(id, 10, ctx)).rows.length).toBe(3);
    }
    expect(engine.held).toBe(0);
  });

  it('keeps results of slow queries within the byte bound, newest first', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const engine = new DuckDbEngine(
      { query: async () => gate.then(() => ({ columns: [], rows: rows(100) })) },
      { keepBytes: 3000 },
    );
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await engine.start({ sql: 'SELECT 1', params: [] }, ctx);
      expect(await engine.wait(id, 0, ctx)).toBe('running');
      ids.push(id);
    }
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect(engine.held).toBeLessThan(5);
    expect(engine.held).toBeGreaterThan(0);
    expect((await engine.results(ids[4] as string, 10, ctx)).rows.length).toBe(10);
    await expect(engine.results(ids[0] as string, 10, ctx)).rejects.toMatchObject({ code: 'not_found' });
  });
});
