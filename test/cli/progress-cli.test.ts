/**
 * Progress through the real CLI with stdout and stderr on pipes (as in CI): plain lines on stderr, one per step
 * start and end, no terminal control codes, and stdout exactly the results (the JSON a script reads).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LakeSummary } from '../../lib/generate';
import type { RunReport } from '../../lib/local/runner';
import { lakeAsync } from '../support/cli';

let dir: string;
let home: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lake-progress-'));
  home = join(dir, 'lake');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// eslint-disable-next-line no-control-regex
const controlCodes = /\u001b/;
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');
const count = (s: string | undefined): number => Number((s ?? '').replace(/,/g, ''));

// CI is set in the environment of some runners: plain lines must not depend on it being absent
const env = { CI: '', NO_COLOR: '' };

it('lake generate --json: stdout is the JSON alone; stderr has one line per step start and end, counts that add up', async () => {
  const r = await lakeAsync(['generate', '--days', '1', '--scale', '0.05', '--json'], { home, env });
  expect(r.status).toBe(0);
  const { summary } = JSON.parse(r.stdout) as { summary: LakeSummary };
  const records = Object.values(summary.datasets).reduce((n, d) => n + d.records, 0);
  expect(r.stderr).not.toMatch(controlCodes);
  const err = lines(r.stderr);
  expect(err[0]).toBe('generate ...');
  const generated = /^generate: ([\d,]+) records generated \(\d/.exec(err[1] ?? '');
  expect(count(generated?.[1])).toBe(records);
  expect(err[2]).toBe('land in the raw zone ...');
  const landed =
    /^land in the raw zone: ([\d,]+) records in (\d+) batch file\(s\) and (\d+) delivery file\(s\)/.exec(
      err[3] ?? '',
    );
  expect(count(landed?.[1])).toBe(records);
  expect(Number(landed?.[3])).toBe(summary.datasets.ad_events.files);
  expect(err).toHaveLength(4);
});

it('lake etl --json: stdout is exactly the run reports; each run is a step that starts and ends with its counts', async () => {
  const r = await lakeAsync(['etl', 'social_posts', '--json', '--cold'], { home, env });
  expect(r.status).toBe(0);
  const reports = lines(r.stdout).map((l) => JSON.parse(l) as RunReport);
  expect(reports.map((x) => x.dataset)).toEqual(['social_posts']);
  expect(r.stderr).not.toMatch(controlCodes);
  const err = lines(r.stderr);
  expect(err[0]).toBe('etl ...');
  const report = reports[0] as RunReport;
  const started = err.indexOf('  social_posts ...');
  const finished = err.findIndex((l) =>
    l.startsWith(
      `  social_posts: succeeded, ${report.input_rows} in, ${report.output_rows} out, ${report.quarantined_rows} quarantined, ${report.duplicate_rows} duplicates (`,
    ),
  );
  expect(started).toBeGreaterThan(0);
  expect(finished).toBeGreaterThan(started);
  expect(err[err.length - 1]).toMatch(/^etl: 1 run\(s\) \(/);
  // Spark's own console noise stays in the log file
  expect(r.stderr).not.toMatch(/ WARN NativeCodeLoader|Setting default log level|\[Stage \d+:/);
}, 600_000);

it('lake bench --json: stdout is exactly the figure lines; the section is a numbered step', async () => {
  // the search section needs no Spark: the check is about where the output goes, not about a job
  const r = await lakeAsync(['bench', '--json', '--only', 'search'], { env });
  expect(r.stderr).not.toMatch(controlCodes);
  const out = lines(r.stdout);
  expect(out.length).toBeGreaterThan(5);
  for (const l of out) {
    const figure = JSON.parse(l) as Record<string, unknown>;
    expect(Object.keys(figure)).toEqual(['section', 'label', 'value', 'unit', 'note']);
    expect(figure.section).toBe('search');
  }
  const err = lines(r.stderr);
  const title = '[1/1] Metadata search: query time over the real catalog and over 10,000 generated columns';
  expect(err[0]).toBe(`${title} ...`);
  // what the section is doing, as it goes
  expect(err).toContainEqual(expect.stringMatching(/: real catalog: \d+ tables, \d+ columns$/));
  expect(err).toContainEqual(expect.stringMatching(/^\[1\/1\] .*: \d+ figure\(s\) \(/));
  expect(r.status).toBe(0);
  expect(err.find((l) => l.includes(': FAILED'))).toBeUndefined();
  const figures = Number(/: (\d+) figure\(s\)/.exec(r.stderr)?.[1]);
  expect(figures).toBe(out.length);
}, 300_000);
