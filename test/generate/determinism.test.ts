import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateAdEvents,
  generateLake,
  generatePeopleAndOrders,
  transactionRowsCsv,
  writeTransactionsCsv,
} from '../../lib/generate';
import type { GeneratedLake } from '../../lib/generate';

const start = new Date('2026-03-01T00:00:00Z');

function fingerprint(lake: GeneratedLake): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of lake.files)
    m.set(`${f.dataset}/${f.name}`, createHash('sha256').update(f.content).digest('hex'));
  for (const f of lake.deliveryFiles) m.set(f.key, createHash('sha256').update(f.content).digest('hex'));
  m.set('adEvents', createHash('sha256').update(JSON.stringify(lake.adEvents)).digest('hex'));
  return m;
}

describe('determinism', () => {
  const a = generateLake({ days: 3, scale: 0.05, seed: 11, start });
  const b = generateLake({ days: 3, scale: 0.05, seed: 11, start });
  const c = generateLake({ days: 3, scale: 0.05, seed: 12, start });

  test('the same seed gives byte-identical files and events', () => {
    expect([...fingerprint(a).entries()]).toEqual([...fingerprint(b).entries()]);
    expect(a.summary).toEqual(b.summary);
  });

  test('another seed gives different files', () => {
    const fa = fingerprint(a);
    const fc = fingerprint(c);
    for (const f of a.files) {
      const key = `${f.dataset}/${f.name}`;
      if (fc.has(key)) expect(fc.get(key)).not.toBe(fa.get(key));
    }
    expect(fc.get('adEvents')).not.toBe(fa.get('adEvents'));
  });

  test('a day is the same whatever the window (except the last day, where more orders are still pending)', () => {
    const two = generateLake({ days: 2, scale: 0.05, seed: 11, start });
    const tx = (l: GeneratedLake) => l.files.find((f) => f.name === 'orders_export_2026-03-01.csv')?.content;
    expect(tx(two)).toBeDefined();
    expect(tx(two)?.equals(tx(a) as Buffer)).toBe(true);
  });

  test('the default window ends yesterday (UTC)', () => {
    const l = generateLake({ days: 2, scale: 0.01, seed: 1 });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(l.summary.to).toBe(yesterday);
  });

  test('bulk CSV: exact row count, deterministic, streamed to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-'));
    try {
      const r1 = await writeTransactionsCsv(join(dir, 'a.csv'), 5_003, 9, { days: 4, start });
      const r2 = await writeTransactionsCsv(join(dir, 'b.csv'), 5_003, 9, { days: 4, start });
      expect(r1.rows).toBe(5_003);
      const a1 = readFileSync(join(dir, 'a.csv'));
      expect(a1.equals(readFileSync(join(dir, 'b.csv')))).toBe(true);
      expect(a1.length).toBe(r1.bytes);
      expect(r2.summary).toEqual(r1.summary);
      const lines = a1
        .toString('utf8')
        .split('\n')
        .filter((l) => l.length > 0);
      expect(lines.length).toBe(5_004);
      expect(transactionRowsCsv(5_003, 9, { days: 4, start }).equals(a1)).toBe(true);
      expect(transactionRowsCsv(5_003, 10, { days: 4, start }).equals(a1)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('stream events: deterministic for a fixed start', () => {
    const { orders } = generatePeopleAndOrders({ days: 2, scale: 0.05, seed: 3, start });
    const o = { count: 300, seed: 3, start: new Date('2026-03-05T10:00:00Z'), orders: orders.flat() };
    expect(generateAdEvents(o)).toEqual(generateAdEvents(o));
    expect(generateAdEvents({ ...o, seed: 4 })).not.toEqual(generateAdEvents(o));
  });
});
