/**
 * How the `lake` CLI shows what it is doing, in one place so that every command looks alike.
 *
 * A command's work is a tree of steps. On a terminal (stderr is a TTY, and none of NO_COLOR, CI or TERM=dumb is
 * set) the running steps are cli-progress bars (a step with a count and a total), counters (a count with no total)
 * or spinners with the elapsed time (no count at all), redrawn in place on stderr; a finished step leaves one line
 * (`✓ title: summary (took)`), and lines logged meanwhile appear above the running steps. Anywhere else (CI, a pipe,
 * a file) nothing is redrawn: one plain line when a step starts, one when it ends, one per change of what it is
 * doing, and for a long count at most one line every few seconds. stdout carries results only, in both modes.
 */
import { Format, MultiBar } from 'cli-progress';
import type { Options, Params, SingleBar } from 'cli-progress';
import { formatCount, formatDuration } from './format';

/** Where progress is written: process.stderr, or anything with `write` (a test's fake terminal). */
export interface OutputStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface StepOptions {
  /** what the step counts (rows, records, files) @default 'items' */
  readonly unit?: string;
  /** how many there are in all, when known before the step starts */
  readonly total?: number;
}

/** Something steps can be started under: the whole command, or a step (its sub-steps). */
export interface Steps {
  start(title: string, opts?: StepOptions): Step;
  /**
   * Runs `work` as a step: ends it with `summary(result)` when `work` resolves (unless `work` ended it itself), and
   * as failed, naming it, when `work` throws (the error is rethrown, for the CLI to print).
   */
  run<T>(
    title: string,
    work: (step: Step) => Promise<T>,
    opts?: StepOptions & { summary?: (result: T) => string | undefined },
  ): Promise<T>;
}

export interface Step extends Steps {
  readonly title: string;
  /** how many are done so far (and how many in all, when that becomes known) */
  count(done: number, total?: number): void;
  /** what the step is doing now */
  note(text: string): void;
  /** ends the step; `summary` says what it did */
  done(summary?: string): void;
  /** ends the step as failed; `reason` when no error goes on to say it */
  fail(reason?: string): void;
}

export interface Progress extends Steps {
  /** whether steps are drawn in place (a terminal) rather than written as plain lines */
  readonly interactive: boolean;
  /** a line on stderr, kept (above the running steps on a terminal) */
  log(text: string): void;
  /** results on stdout */
  out(text: string): void;
  /** ends the steps still running, as failed when `failed`, and returns their titles */
  close(failed: boolean): string[];
}

export interface ProgressOptions {
  /** @default process.stderr */
  readonly stream?: OutputStream;
  /** @default process.stdout */
  readonly stdout?: OutputStream;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default Date.now */
  readonly now?: () => number;
  /** plain lines: the least time between two count lines of one step @default 5000 */
  readonly plainIntervalMs?: number;
}

/** Whether progress is drawn in place: a terminal that has not asked for plain output. */
export function isInteractive(stream: OutputStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const set = (v: string | undefined): boolean => v !== undefined && v !== '' && v !== '0' && v !== 'false';
  return stream.isTTY === true && !set(env.NO_COLOR) && !set(env.CI) && env.TERM !== 'dumb';
}

/** A progress that shows nothing (`--quiet`); results still go to stdout. */
export function silentProgress(stdout: OutputStream = process.stdout): Progress {
  return createProgress({ stream: { write: () => true }, stdout });
}

const withNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

/** Elapsed time on a running step: whole seconds, then minutes. */
function ticking(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

class StepState implements Step {
  readonly startedAt: number;
  done_ = 0;
  counted = false;
  total: number | undefined;
  readonly unit: string;
  noteText = '';
  finished = false;
  readonly children: StepState[] = [];
  /** plain lines: when this step last printed its count */
  lastCountLineAt: number;

  constructor(
    private readonly view: View,
    readonly title: string,
    readonly depth: number,
    opts: StepOptions,
  ) {
    this.startedAt = view.now();
    this.lastCountLineAt = this.startedAt;
    this.unit = opts.unit ?? 'items';
    this.total = opts.total;
    this.counted = opts.total !== undefined;
  }

  elapsed(): number {
    return this.view.now() - this.startedAt;
  }

  /** e.g. `1,200 of 10,000 rows (12%), 2,400 rows/s` */
  countText(): string {
    const seconds = this.elapsed() / 1000;
    const of = this.total !== undefined ? ` of ${formatCount(this.total)}` : '';
    const pct =
      this.total !== undefined && this.total > 0
        ? ` (${Math.min(100, Math.floor((this.done_ / this.total) * 100))}%)`
        : '';
    const rate = seconds >= 1 ? `, ${formatCount(Math.round(this.done_ / seconds))} ${this.unit}/s` : '';
    return `${formatCount(this.done_)}${of} ${this.unit}${pct}${rate}`;
  }

  start(title: string, opts: StepOptions = {}): Step {
    const child = new StepState(this.view, title, this.depth + 1, opts);
    this.children.push(child);
    this.view.started(child);
    return child;
  }

  run<T>(
    title: string,
    work: (step: Step) => Promise<T>,
    opts?: StepOptions & { summary?: (result: T) => string | undefined },
  ): Promise<T> {
    return runStep(this.start(title, opts), work, opts?.summary);
  }

  count(done: number, total?: number): void {
    if (this.finished) return;
    this.done_ = done;
    if (total !== undefined) this.total = total;
    this.counted = true;
    this.view.changed(this, 'count');
  }

  note(text: string): void {
    if (this.finished || text === this.noteText) return;
    this.noteText = text;
    this.view.changed(this, 'note');
  }

  done(summary?: string): void {
    this.end(true, summary);
  }

  fail(reason?: string): void {
    this.end(false, reason);
  }

  end(ok: boolean, text: string | undefined): void {
    if (this.finished) return;
    for (const c of this.children) c.end(ok, undefined);
    this.finished = true;
    this.view.finished(this, ok, text);
  }
}

async function runStep<T>(
  step: Step,
  work: (step: Step) => Promise<T>,
  summary?: (result: T) => string | undefined,
): Promise<T> {
  try {
    const result = await work(step);
    step.done(summary?.(result));
    return result;
  } catch (e) {
    step.fail();
    throw e;
  }
}

/** How steps are shown: drawn in place, or as plain lines. */
interface View {
  now(): number;
  started(step: StepState): void;
  changed(step: StepState, what: 'count' | 'note'): void;
  finished(step: StepState, ok: boolean, text: string | undefined): void;
  log(text: string): void;
  out(text: string): void;
  stop(): void;
}

const indent = (step: StepState): string => '  '.repeat(step.depth);

function finishLine(step: StepState, ok: boolean, text: string | undefined, mark: (ok: boolean) => string) {
  const took = formatDuration(step.elapsed());
  return ok
    ? `${indent(step)}${mark(true)}${step.title}: ${text ?? 'done'} (${took})`
    : `${indent(step)}${mark(false)}${step.title}: FAILED after ${took}${text ? `: ${text}` : ''}`;
}

class PlainView implements View {
  constructor(
    private readonly stream: OutputStream,
    private readonly stdout: OutputStream,
    readonly now: () => number,
    private readonly intervalMs: number,
  ) {}

  started(step: StepState): void {
    this.stream.write(`${indent(step)}${step.title} ...\n`);
  }

  changed(step: StepState, what: 'count' | 'note'): void {
    if (what === 'note') {
      this.stream.write(`${indent(step)}${step.title}: ${step.noteText}\n`);
      return;
    }
    const now = this.now();
    if (now - step.lastCountLineAt < this.intervalMs) return;
    step.lastCountLineAt = now;
    this.stream.write(`${indent(step)}${step.title}: ${step.countText()}\n`);
  }

  finished(step: StepState, ok: boolean, text: string | undefined): void {
    this.stream.write(`${finishLine(step, ok, text, () => '')}\n`);
  }

  log(text: string): void {
    this.stream.write(withNewline(text));
  }

  out(text: string): void {
    this.stdout.write(withNewline(text));
  }

  stop(): void {}
}

/** What cli-progress's MultiBar keeps of the terminal: used to clear the bars before a line goes to stdout. */
interface BarTerminal {
  cursorRelativeReset(): void;
  clearBottom(): void;
}

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const green = (s: string): string => `\u001b[32m${s}\u001b[0m`;
const red = (s: string): string => `\u001b[31m${s}\u001b[0m`;
const showCursor = '\u001b[?25h';
/** Erases from the cursor to the end of the screen: the bars a kept line is written over. */
const eraseBelow = '\u001b[0J';

class TerminalView implements View {
  private multi: MultiBar | null = null;
  private readonly bars = new Map<StepState, SingleBar>();
  private lastDrawAt = 0;
  private readonly restoreCursor = (): void => {
    this.stream.write(showCursor);
  };

  constructor(
    private readonly stream: OutputStream,
    private readonly stdout: OutputStream,
    readonly now: () => number,
  ) {}

  private ensureMulti(): MultiBar {
    if (this.multi) return this.multi;
    const multi = new MultiBar({
      stream: this.stream as NodeJS.WritableStream,
      fps: 10,
      hideCursor: true,
      clearOnComplete: true,
      // lines are cut to the terminal's width (a wrapped bar line could not be redrawn in place)
      linewrap: true,
      // every frame redraws every bar: a kept line written above them moves them down
      forceRedraw: true,
      barsize: 20,
      barCompleteChar: '█',
      barIncompleteChar: '░',
    });
    multi.on('redraw-post', () => {
      this.lastDrawAt = this.now();
    });
    // a process that ends while bars are drawn (an uncaught error) still gives the cursor back
    process.once('exit', this.restoreCursor);
    this.multi = multi;
    return multi;
  }

  private render(step: StepState, options: Options, params: Params): string {
    const frame = spinnerFrames[Math.floor(this.now() / 100) % spinnerFrames.length] ?? '-';
    const parts = [`${indent(step)}${frame} ${step.title}`];
    if (step.counted) {
      if (step.total !== undefined)
        parts.push(
          `${Format.BarFormat(params.progress, options)} ${formatCount(step.done_)}/${formatCount(step.total)} ${step.unit}`,
        );
      else parts.push(`${formatCount(step.done_)} ${step.unit}`);
      const seconds = step.elapsed() / 1000;
      if (seconds >= 1) parts.push(`${formatCount(Math.round(step.done_ / seconds))}/s`);
    }
    parts.push(ticking(step.elapsed()));
    if (step.noteText !== '') parts.push(step.noteText.replace(/\s+/g, ' '));
    const line = parts.join('  ');
    const width = Math.max(20, (params.maxWidth || 80) - 1);
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  }

  started(step: StepState): void {
    const multi = this.ensureMulti();
    const bar = multi.create(
      step.total ?? 1,
      0,
      {},
      {
        format: (options: Options, params: Params) => this.render(step, options, params),
      },
    );
    this.bars.set(step, bar);
    this.draw();
  }

  changed(step: StepState, what: 'count' | 'note'): void {
    const bar = this.bars.get(step);
    if (bar && what === 'count') {
      if (step.total !== undefined) bar.setTotal(step.total);
      bar.update(step.done_);
    }
    // a caller busy in synchronous work (the generator) never lets the timer run: draw from here
    if (this.now() - this.lastDrawAt >= 100) this.draw();
  }

  finished(step: StepState, ok: boolean, text: string | undefined): void {
    const multi = this.multi;
    const bar = this.bars.get(step);
    const line = finishLine(step, ok, text, (good) => (good ? `${green('✓')} ` : `${red('✗')} `));
    if (!multi || !bar) {
      this.stream.write(`${line}\n`);
      return;
    }
    this.bars.delete(step);
    multi.log(`${eraseBelow}${line}\n`);
    multi.remove(bar);
    if (this.bars.size === 0) this.stop();
  }

  log(text: string): void {
    if (!this.multi) {
      this.stream.write(withNewline(text));
      return;
    }
    this.multi.log(`${eraseBelow}${withNewline(text)}`);
    this.draw();
  }

  out(text: string): void {
    if (this.multi && this.stdout.isTTY === true) {
      // stdout and stderr share the screen: take the bars away, print, draw them again below
      const terminal = (this.multi as unknown as { terminal: BarTerminal }).terminal;
      terminal.cursorRelativeReset();
      terminal.clearBottom();
      this.stdout.write(withNewline(text));
      this.draw();
      return;
    }
    this.stdout.write(withNewline(text));
  }

  private draw(): void {
    this.multi?.update();
  }

  stop(): void {
    if (!this.multi) return;
    this.multi.update();
    this.multi.stop();
    this.multi = null;
    this.bars.clear();
    process.removeListener('exit', this.restoreCursor);
  }
}

/** The progress of one CLI invocation, drawn in place or written as plain lines (see the top of this file). */
export function createProgress(opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const stdout = opts.stdout ?? process.stdout;
  const now = opts.now ?? Date.now;
  const interactive = isInteractive(stream, opts.env ?? process.env);
  const view: View = interactive
    ? new TerminalView(stream, stdout, now)
    : new PlainView(stream, stdout, now, opts.plainIntervalMs ?? 5000);
  const roots: StepState[] = [];
  const open = (steps: readonly StepState[]): StepState[] =>
    steps.flatMap((s) => (s.finished ? [] : [s, ...open(s.children)]));
  const start = (title: string, o: StepOptions = {}): Step => {
    const step = new StepState(view, title, 0, o);
    roots.push(step);
    view.started(step);
    return step;
  };
  return {
    interactive,
    start,
    run: (title, work, o) => runStep(start(title, o), work, o?.summary),
    log: (text) => view.log(text),
    out: (text) => view.out(text),
    close(failed) {
      const titles = open(roots).map((s) => s.title);
      for (const s of roots) s.end(!failed, undefined);
      view.stop();
      return titles;
    },
  };
}
