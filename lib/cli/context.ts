/**
 * What every `lake` command module gets: the lake home chosen on the command line, output helpers, errors that the
 * CLI prints without a stack trace, and the toolchain set-up. Command groups live in their own modules exporting
 * `register(program: Command, ctx: CliContext)`; lib/cli/main.ts wires them.
 */
import type { Command } from 'commander';
import { ensureToolchain } from '../setup/toolchain';
import { layout, resolveHome } from '../local/layout';
import type { LakeLayout } from '../local/layout';
import { createProgress } from './progress';
import type { Progress } from './progress';

/** An error meant for the user: printed as `lake: <message>` (no stack unless LAKE_DEBUG=1), exit code `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes of the `lake` CLI. */
export const ExitCode = {
  ok: 0,
  /** a command failed (bad input, a failed run, a refused query) */
  failure: 1,
  /** the command line itself was wrong (unknown option, missing argument) */
  usage: 2,
} as const;

export interface CliContext {
  /** The program (to read global options). */
  readonly program: Command;
  /** The lake home: `--home DIR`, else LAKE_HOME, else ./.lake (absolute). Read after parsing. */
  home(): string;
  layout(): LakeLayout;
  /** stdout: results (tables, JSON). */
  out(text: string): void;
  /** stderr: a line of log (kept above the running steps on a terminal). */
  log(text: string): void;
  /** stderr: a warning line. */
  warn(text: string): void;
  /** Sets up the Python environment and the Iceberg jar when missing (progress on stderr unless quiet). */
  ensureToolchain(opts?: { quiet?: boolean }): void;
  /** Whether stdout/stderr is a terminal (for colours). */
  readonly colour: boolean;
  /** The steps of the command as they run, on stderr (lib/cli/progress.ts). */
  readonly progress: Progress;
}

const dimOn = '\u001b[2m';
const reset = '\u001b[0m';

export function createContext(program: Command): CliContext {
  const colour = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
  const progress = createProgress();
  return {
    program,
    colour,
    progress,
    home: () => resolveHome(program.opts<{ home?: string }>().home),
    layout() {
      return layout(this.home());
    },
    out: (text) => progress.out(text),
    log: (text) => progress.log(text),
    warn: (text) => progress.log(`lake: warning: ${text}`),
    ensureToolchain(opts) {
      const quiet = opts?.quiet ?? false;
      const report = quiet ? () => undefined : (line: string) => progress.log(dim(line, colour));
      try {
        ensureToolchain(report);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
    },
  };
}

export function dim(text: string, colour: boolean): string {
  return colour ? `${dimOn}${text}${reset}` : text;
}
