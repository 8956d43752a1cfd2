/**
 * `lake bench`: runs benchmark sections. A section measures something and prints figures; it never asserts them.
 * Each section is a module of lib/bench that exports a `BenchSection`:
 *
 *   export const streamSection: BenchSection = { name: 'stream', title: 'Stream: producer to raw', run: async (b) => ... };
 *
 * and is listed in lib/bench/sections.ts, which is the whole list `lake bench` runs.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchFigure {
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

export interface BenchContext {
  /** a scratch lake home for this bench run (shared by the sections, removed at the end unless --keep) */
  readonly home: string;
  /** a scratch folder for the section's own files */
  readonly scratch: string;
  /** options given on the command line (e.g. rows) */
  readonly options: Readonly<Record<string, string | number | boolean | undefined>>;
  log(line: string): void;
  /** records and prints one figure */
  figure(f: BenchFigure): void;
  /** sets up the Python environment and the Iceberg jar */
  ensureToolchain(): void;
}

export interface BenchSection {
  /** short id for `lake bench --only <name>` */
  readonly name: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<void>;
}

/** What a bench run tells as it goes (the CLI shows each section as a step, and its log lines as what it does). */
export interface BenchProgress {
  sectionStarted(section: BenchSection, index: number, count: number): void;
  sectionFinished(report: BenchReport): void;
}

export interface BenchRunOptions {
  /** the sections to choose from, in the order they run */
  readonly sections: readonly BenchSection[];
  readonly only?: readonly string[];
  readonly keep?: boolean;
  readonly dir?: string;
  readonly options: Readonly<Record<string, string | number | boolean | undefined>>;
  /**
   * print each figure as one JSON line (section, label, value, unit, note); titles and errors go to `log`, or only
   * to `progress` when it is given
   */
  readonly json?: boolean;
  readonly progress?: BenchProgress;
  readonly out: (line: string) => void;
  readonly log: (line: string) => void;
  readonly ensureToolchain: () => void;
}

export interface BenchReport {
  readonly section: string;
  readonly figures: BenchFigure[];
  readonly error?: string;
}

export function formatFigure(f: BenchFigure): string {
  const v = Math.abs(f.value) >= 100 ? Math.round(f.value).toLocaleString('en-US') : f.value.toFixed(2);
  return `  ${f.label}: ${v} ${f.unit}${f.note ? `  (${f.note})` : ''}`;
}

/** One figure as the JSON line of `lake bench --json`. */
export function figureJson(section: string, f: BenchFigure): string {
  return JSON.stringify({ section, label: f.label, value: f.value, unit: f.unit, note: f.note ?? null });
}

export async function runBench(o: BenchRunOptions): Promise<BenchReport[]> {
  const { sections } = o;
  const twice = sections.find((s, i) => sections.findIndex((t) => t.name === s.name) !== i);
  if (twice) throw new Error(`bench section '${twice.name}' is listed twice`);
  const chosen = o.only && o.only.length > 0 ? sections.filter((s) => o.only?.includes(s.name)) : sections;
  const unknown = (o.only ?? []).filter((n) => !sections.some((s) => s.name === n));
  if (unknown.length > 0)
    throw new Error(
      `unknown bench section(s): ${unknown.join(', ')} (known: ${sections.map((s) => s.name).join(', ')})`,
    );
  const root = o.dir ?? mkdtempSync(join(tmpdir(), 'lake-bench-'));
  mkdirSync(root, { recursive: true });
  const home = join(root, 'lake');
  const reports: BenchReport[] = [];
  try {
    for (const [index, s] of chosen.entries()) {
      const figures: BenchFigure[] = [];
      const heading = o.json ? (o.progress ? () => undefined : o.log) : o.out;
      o.progress?.sectionStarted(s, index, chosen.length);
      heading(`== ${s.title}`);
      const scratch = mkdtempSync(join(root, `${s.name}-`));
      try {
        await s.run({
          home,
          scratch,
          options: o.options,
          log: o.log,
          ensureToolchain: o.ensureToolchain,
          figure: (f) => {
            figures.push(f);
            o.out(o.json ? figureJson(s.name, f) : formatFigure(f));
          },
        });
        reports.push({ section: s.name, figures });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        heading(`  failed: ${error}`);
        reports.push({ section: s.name, figures, error });
      }
      o.progress?.sectionFinished(reports[reports.length - 1] as BenchReport);
    }
  } finally {
    if (o.keep) o.log(`bench files kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
  return reports;
}
