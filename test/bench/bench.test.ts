import { runBench, type BenchSection } from '../../lib/bench/bench';
import { benchSections } from '../../lib/bench/sections';

function recorder(name: string, ran: string[]): BenchSection {
  return {
    name,
    title: `section ${name}`,
    run: async (b) => {
      ran.push(name);
      b.figure({ label: `${name} figure`, value: 1, unit: 'x' });
    },
  };
}

const quiet = { options: {}, log: () => {}, ensureToolchain: () => {} };

describe('lake bench sections', () => {
  it('lists each section once, under the names `--only` takes', () => {
    const names = benchSections.map((s) => s.name);
    expect(names).toEqual([
      'transactions',
      'server_logs',
      'social_posts',
      'stream',
      'maintain',
      'api',
      'trino',
      'versions',
      'search',
    ]);
  });

  it('runs only the sections asked for, in list order, and reports their figures', async () => {
    const ran: string[] = [];
    const out: string[] = [];
    const reports = await runBench({
      ...quiet,
      sections: [recorder('a', ran), recorder('b', ran), recorder('c', ran)],
      only: ['c', 'a'],
      out: (l) => out.push(l),
    });
    expect(ran).toEqual(['a', 'c']);
    expect(reports.map((r) => [r.section, r.figures.map((f) => f.label)])).toEqual([
      ['a', ['a figure']],
      ['c', ['c figure']],
    ]);
    expect(out).toEqual(['== section a', '  a figure: 1.00 x', '== section c', '  c figure: 1.00 x']);
  });

  it('refuses an unknown section name, naming the known ones', async () => {
    await expect(
      runBench({ ...quiet, sections: [recorder('a', [])], only: ['nope'], out: () => {} }),
    ).rejects.toThrow('unknown bench section(s): nope (known: a)');
  });

  it('refuses a list that names one section twice', async () => {
    await expect(
      runBench({ ...quiet, sections: [recorder('a', []), recorder('a', [])], out: () => {} }),
    ).rejects.toThrow("bench section 'a' is listed twice");
  });

  const figures: BenchSection = {
    name: 'figures',
    title: 'Figures for the --json test',
    run: async (b) => {
      b.figure({ label: 'throughput', value: 41_234.5, unit: 'rows/s', note: '1000000 in' });
      b.figure({ label: 'tasks', value: 8, unit: 'tasks' });
      await Promise.resolve();
      throw new Error('half-way');
    },
  };

  async function printed(json: boolean): Promise<{ out: string[]; log: string[] }> {
    const out: string[] = [];
    const log: string[] = [];
    await runBench({ ...quiet, sections: [figures], json, out: (l) => out.push(l), log: (l) => log.push(l) });
    return { out, log };
  }

  it('--json prints every figure as one JSON line, and nothing else on stdout', async () => {
    const { out, log } = await printed(true);
    expect(out.map((l) => JSON.parse(l) as unknown)).toEqual([
      { section: 'figures', label: 'throughput', value: 41_234.5, unit: 'rows/s', note: '1000000 in' },
      { section: 'figures', label: 'tasks', value: 8, unit: 'tasks', note: null },
    ]);
    expect(log).toEqual(['== Figures for the --json test', '  failed: half-way']);
  });

  it('tells progress each section i of n as it starts and ends; with it, --json titles go nowhere else', async () => {
    const events: string[] = [];
    const out: string[] = [];
    const log: string[] = [];
    const ran: string[] = [];
    await runBench({
      ...quiet,
      sections: [recorder('a', ran), figures, recorder('c', ran)],
      json: true,
      out: (l) => out.push(l),
      log: (l) => log.push(l),
      progress: {
        sectionStarted: (s, i, n) => events.push(`start ${s.name} ${i + 1}/${n}`),
        sectionFinished: (r) =>
          events.push(`end ${r.section} ${r.figures.length}${r.error ? ` ${r.error}` : ''}`),
      },
    });
    expect(events).toEqual([
      'start a 1/3',
      'end a 1',
      'start figures 2/3',
      'end figures 2 half-way',
      'start c 3/3',
      'end c 1',
    ]);
    expect(log).toEqual([]);
    expect(out).toHaveLength(4);
  });

  it('without --json the figures are printed for people, under the section title', async () => {
    const { out } = await printed(false);
    expect(out).toEqual([
      '== Figures for the --json test',
      '  throughput: 41,235 rows/s  (1000000 in)',
      '  tasks: 8.00 tasks',
      '  failed: half-way',
    ]);
  });
});
