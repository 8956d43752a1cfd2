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
