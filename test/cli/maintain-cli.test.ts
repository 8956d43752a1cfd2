/** `lake maintain` through the real CLI, for what it decides before any Spark runs: unknown tables, an empty lake. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lakeAsync } from '../support/cli';

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'lake-maintain-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const everyTable =
  'processed.transactions, processed.server_logs, processed.social_posts, processed.ad_events, curated.daily_sales, curated.campaign_performance';

describe('lake maintain', () => {
  it('refuses an unknown table, naming the tables that exist, before doing anything', async () => {
    const r = await lakeAsync(['maintain', 'ad_events', 'no_such_table', '--json'], { home });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `lake: maintain: unknown table(s) no_such_table; the lake's tables: ${everyTable}`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(r.stderr).not.toMatch(/spark/i);
  });

  it('on an empty lake says there is nothing to maintain, prints no report and exits 0', async () => {
    const [all, named] = await Promise.all([
      lakeAsync(['maintain', '--json'], { home }),
      lakeAsync(['maintain', 'ad_events', 'curated.daily_sales'], { home }),
    ]);
    expect(all.status).toBe(0);
    expect(all.stdout).toBe('');
    expect(all.stderr).toContain('maintain: nothing to maintain: no table of the lake has a version yet');
    expect(named.status).toBe(0);
    expect(named.stdout).toBe('');
    expect(named.stderr).toContain(
      'maintain: nothing to maintain: processed.ad_events, curated.daily_sales have no version yet',
    );
    // nothing ran: no run report, no lock left behind
    expect(readdirSync(home).filter((f) => f === 'reports')).toEqual([]);
  });
});
