/** Runs the real `lake` CLI (node bin/lake.js) asynchronously, so that tests can run several at once. */
import { runCollected } from '../../lib/local/processes';
import { lakeCli, repoRoot } from './fixture-lake';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function lakeAsync(
  args: readonly string[],
  opts: { home?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  const full = opts.home ? ['--home', opts.home, ...args] : [...args];
  return runCollected(process.execPath, [lakeCli, ...full], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
  });
}

/** The subcommand names listed in a commander help text. */
export function commandsInHelp(help: string): string[] {
  const section = help.split(/\nCommands:\n/)[1];
  if (!section) return [];
  return section
    .split('\n')
    .map((l) => /^ {2}([a-z][\w-]*)/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined && c !== 'help');
}
