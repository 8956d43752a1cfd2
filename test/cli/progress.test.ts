/** lib/cli/progress.ts on a fake terminal and a fake pipe: redrawn in place only on the terminal. */
import { createProgress, isInteractive } from '../../lib/cli/progress';
import type { OutputStream } from '../../lib/cli/progress';

interface Fake extends OutputStream {
  readonly text: () => string;
}

function fakeStream(isTTY: boolean, columns = 100): Fake {
  const chunks: string[] = [];
  return {
    isTTY,
    columns,
    write: (s: string) => chunks.push(s) > 0,
    text: () => chunks.join(''),
  };
}

/** A clock the test moves. */
function clock(): { now: () => number; advance(ms: number): void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

// ESC [ ... : the cursor moves and line erases of a redraw in place
// eslint-disable-next-line no-control-regex
const controlCodes = /\u001b\[/;
// eslint-disable-next-line no-control-regex
const plain = (s: string): string => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

describe('on a terminal', () => {
  it('draws a counted step as a bar redrawn in place, and leaves one line when it ends', () => {
    const err = fakeStream(true);
    const out = fakeStream(true);
    const c = clock();
    const p = createProgress({ stream: err, stdout: out, env: {}, now: c.now });
    expect(p.interactive).toBe(true);
    const step = p.start('generate', { unit: 'rows', total: 1000 });
    c.advance(2000);
    step.count(250);
    const first = err.text();
    expect(first).toMatch(controlCodes);
    expect(first).toContain('\u001b[?25l'); // the cursor is hidden while bars are drawn
    expect(plain(first)).toMatch(/generate {2}█{5}░{15} 250\/1,000 rows {2}125\/s {2}2s/);
    c.advance(2000);
    step.count(750);
    const second = err.text().slice(first.length);
    // the same line again: back to its first column, erased to its end
    expect(second).toContain('\u001b[1G');
    expect(second).toContain('\u001b[0K');
    expect(plain(second)).toContain('750/1,000 rows');
    c.advance(1000);
    step.done('1,000 rows written');
    const end = plain(err.text());
    expect(end).toContain('✓ generate: 1,000 rows written (5.0 s)');
    // the cursor is given back once no step runs
    expect(err.text().lastIndexOf('\u001b[?25h')).toBeGreaterThan(err.text().indexOf('1,000 rows written'));
    expect(out.text()).toBe('');
    p.close(false);
  });

  it('keeps logged lines above the running steps, and moves up over every bar to redraw', () => {
    const err = fakeStream(true);
    const c = clock();
    const p = createProgress({ stream: err, stdout: fakeStream(false), env: {}, now: c.now });
    const etl = p.start('[4/5] ETL');
    const tx = etl.start('transactions');
    c.advance(3000);
    p.log('a line worth keeping');
    const text = err.text();
    expect(text).toContain('\u001b[1A'); // up one line: over the second bar, to the first
    const afterLog = plain(text.slice(text.lastIndexOf('a line worth keeping')));
    expect(afterLog).toMatch(/^a line worth keeping\n. \[4\/5\] ETL {2}3s\n {2}. transactions {2}3s/);
    tx.done('1,450 in, 1,400 out');
    etl.done();
    expect(plain(err.text())).toMatch(/ {2}✓ transactions: 1,450 in, 1,400 out \(3\.0 s\)\n/);
    expect(plain(err.text())).toMatch(/✓ \[4\/5\] ETL: done \(3\.0 s\)\n/);
    p.close(false);
  });

  it('prints results on stdout, never on the progress stream', () => {
    const err = fakeStream(true);
    const out = fakeStream(false);
    const p = createProgress({ stream: err, stdout: out, env: {} });
    p.start('bench');
    p.out('{"section":"a","value":1}');
    p.close(false);
    expect(out.text()).toBe('{"section":"a","value":1}\n');
    expect(err.text()).not.toContain('section');
  });
});

describe('not on a terminal', () => {
  it('writes plain lines: start, at most one count line per interval, end; no control codes', () => {
    const err = fakeStream(false);
    const c = clock();
    const p = createProgress({
      stream: err,
      stdout: fakeStream(false),
      env: {},
      now: c.now,
      plainIntervalMs: 5000,
    });
    expect(p.interactive).toBe(false);
    const step = p.start('produce', { unit: 'records', total: 12_000 });
    for (let i = 1; i <= 12; i++) {
      c.advance(1000);
      step.count(i * 1000);
    }
    step.note('flushing');
    step.done('12,000 records sent');
    expect(err.text()).not.toMatch(controlCodes);
    expect(err.text().split('\n')).toEqual([
      'produce ...',
      'produce: 5,000 of 12,000 records (41%), 1,000 records/s',
      'produce: 10,000 of 12,000 records (83%), 1,000 records/s',
      'produce: flushing',
      'produce: 12,000 records sent (12.0 s)',
      '',
    ]);
    p.close(false);
  });

  it('NO_COLOR, CI and TERM=dumb ask for plain lines even on a terminal', () => {
    const tty = fakeStream(true);
    expect(isInteractive(tty, {})).toBe(true);
    expect(isInteractive(tty, { NO_COLOR: '1' })).toBe(false);
    expect(isInteractive(tty, { CI: 'true' })).toBe(false);
    expect(isInteractive(tty, { TERM: 'dumb' })).toBe(false);
    expect(isInteractive(tty, { CI: 'false' })).toBe(true);
    expect(isInteractive(fakeStream(false), {})).toBe(false);
    const p = createProgress({ stream: tty, env: { CI: '1' } });
    p.start('x').done();
    expect(tty.text()).not.toMatch(controlCodes);
  });

  it('a step that throws is named as failed, and the error goes on', async () => {
    const err = fakeStream(false);
    const c = clock();
    const p = createProgress({ stream: err, env: {}, now: c.now });
    await expect(
      p.run('[3/5] stream', async (s) => {
        s.start('produce');
        c.advance(1500);
        throw new Error('emulator gone');
      }),
    ).rejects.toThrow('emulator gone');
    expect(err.text()).toContain('  produce: FAILED after 1.5 s\n');
    expect(err.text()).toContain('[3/5] stream: FAILED after 1.5 s\n');
    expect(p.close(true)).toEqual([]);
  });

  it('close(true) fails the steps still running and names them', () => {
    const err = fakeStream(false);
    const p = createProgress({ stream: err, env: {} });
    const etl = p.start('[4/5] ETL');
    etl.start('transactions').done('ok');
    etl.start('server_logs');
    expect(p.close(true)).toEqual(['[4/5] ETL', 'server_logs']);
    expect(err.text()).toMatch(/ {2}server_logs: FAILED after .*\n\[4\/5\] ETL: FAILED after /);
  });
});
