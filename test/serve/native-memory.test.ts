/**
 * The guard of `lake serve`'s native memory: a full collection when the resident size grew by the bound since the
 * lowest size after the last one, and only then. The resident sizes are given; the collection is V8's own in the
 * last test.
 */
import { guarded, nativeMemoryGuard } from '../../lib/serve/native-memory';

const MiB = 1024 * 1024;

describe('nativeMemoryGuard', () => {
  it('collects once the resident size grew by the bound, measured from the lowest size since the last collection', () => {
    const sizes = [100, 105, 90, 97, 99, 130, 140, 135, 150].map((m) => m * MiB);
    let i = 0;
    let current = sizes[0]!;
    const collected: number[] = [];
    const check = nativeMemoryGuard({
      growthBytes: 10 * MiB,
      rss: () => current,
      collect: () => collected.push(current / MiB),
    });
    for (i = 1; i < sizes.length; i++) {
      current = sizes[i]!;
      check();
    }
    // 105: +5 from 100; 90 lowers the base; 97, 99: +7, +9; 130: +40 -> collect (base 130); 140: +10 -> collect
    // (base 140); 135 lowers the base; 150: +15 -> collect
    expect(collected).toEqual([130, 140, 150]);
  });

  it('runs V8 full collections in a process started without --expose-gc', () => {
    const before = process.memoryUsage.rss();
    const check = nativeMemoryGuard({ growthBytes: 0 });
    expect(() => {
      check();
      check();
    }).not.toThrow();
    expect(process.memoryUsage.rss()).toBeGreaterThan(0);
    expect(before).toBeGreaterThan(0);
  });

  it('guarded runs the check after each query, answered or failed, and passes the answer on', async () => {
    let checks = 0;
    const engine = guarded(
      {
        name: 'e',
        query: async (sql: string) => {
          if (sql === 'bad') throw new Error('bad query');
          return { rows: [sql] };
        },
      },
      () => checks++,
    );
    await expect(engine.query('SELECT 1')).resolves.toEqual({ rows: ['SELECT 1'] });
    await expect(engine.query('bad')).rejects.toThrow('bad query');
    expect(checks).toBe(2);
    expect(engine.name).toBe('e');
  });
});
