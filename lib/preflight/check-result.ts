/** What a preflight check reports, online or offline. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** what to do about a warn or fail */
  readonly fix?: string;
}

/** Exit status of a preflight: failed when any check failed. */
export function preflightPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status !== 'fail');
}

const mark: Record<CheckStatus, string> = {
  pass: 'ok  ',
  warn: 'warn',
  fail: 'FAIL',
  skip: 'skip',
};

/** One line a result, with the fix under each check that did not pass. */
export function formatResults(results: readonly CheckResult[]): string {
  return results
    .map(
      (r) =>
        `[${mark[r.status]}] ${r.title}: ${r.detail}${r.fix && r.status !== 'pass' ? `\n       -> ${r.fix}` : ''}`,
    )
    .join('\n');
}
