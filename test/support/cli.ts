/** Runs the real `lake` CLI (node bin/lake.js) asynchronously, so that tests can run several at once. */
import { spawn } from 'node:child_process';
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
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [lakeCli, ...full], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? 1, stdout, stderr }));
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
