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
    expect(names).toEqual(['transactions', 'stream', 'api']);
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
});
