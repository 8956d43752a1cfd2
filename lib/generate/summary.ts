/**
 * What a generation produced: records per dataset and how many of each malformed kind, so that the CLI can
 * print it and tests can compare the ETL's run reports (input, quarantined, duplicate rows) with it.
 */
import type { DatasetName } from '../contracts/types';

/** Every kind of bad record the generator writes, with the quarantine reason the ETL is expected to give. */
export const malformedKinds = {
  transactions: {
    missing_column: 'parse:csv',
    extra_column: 'parse:csv',
    bad_date: 'type:created_at',
    unknown_status: 'allowed:status',
    non_numeric_quantity: 'type:quantity',
    invalid_email: 'pattern:customer_email',
    non_utf8: 'parse:encoding',
  },
  server_logs: {
    binary_garbage: 'parse:log_line',
    truncated_line: 'parse:log_line',
  },
  social_posts: {
    truncated_json: 'parse:json',
    missing_post_id: 'required:post_id',
    missing_text: 'required:text',
    missing_user_id: 'required:user_id',
    missing_created_at: 'required:created_at',
  },
  ad_events: {
    non_json: 'parse:json',
    unknown_event_type: 'allowed:event_type',
    negative_cost: 'min:cost',
    conversion_without_order_id: 'required:order_id',
    missing_campaign_id: 'required:campaign_id',
  },
} as const satisfies Record<DatasetName, Record<string, string>>;

export type MalformedKind<D extends DatasetName> = keyof (typeof malformedKinds)[D];
export type TransactionDefect = MalformedKind<'transactions'>;
export type LogDefect = MalformedKind<'server_logs'>;
export type PostDefect = MalformedKind<'social_posts'>;
export type AdEventDefect = MalformedKind<'ad_events'>;

export interface DatasetSummary {
  /** files written for the dataset (empty files included) */
  files: number;
  /** zero-byte files among them */
  emptyFiles: number;
  /** every record written (CSV data rows, log lines, posts, stream records), bad ones included */
  records: number;
  /** records that pass the contract on first sight: records = valid + duplicates + sum(malformed) */
  valid: number;
  /** exact re-sends of a valid record (same business key, same content): the ETL counts them as duplicates */
  duplicates: number;
  /** bad records per kind (see `malformedKinds` for the expected quarantine reason) */
  malformed: Record<string, number>;
}

export function emptySummary<D extends DatasetName>(dataset: D): DatasetSummary {
  const malformed: Record<string, number> = {};
  for (const k of Object.keys(malformedKinds[dataset])) malformed[k] = 0;
  return { files: 0, emptyFiles: 0, records: 0, valid: 0, duplicates: 0, malformed };
}

export function malformedTotal(s: DatasetSummary): number {
  return Object.values(s.malformed).reduce((a, b) => a + b, 0);
}

/** Quarantine reasons the ETL should report for a dataset: reason -> count. */
export function expectedQuarantineReasons(dataset: DatasetName, s: DatasetSummary): Record<string, number> {
  const table = malformedKinds[dataset] as Record<string, string>;
  const out: Record<string, number> = {};
  for (const [kind, n] of Object.entries(s.malformed)) {
    if (n === 0) continue;
    const reason = table[kind] ?? `unknown:${kind}`;
    out[reason] = (out[reason] ?? 0) + n;
  }
  return out;
}

export interface LakeSummary {
  seed: number;
  scale: number;
  days: number;
  badRate: number;
  /** first day (YYYY-MM-DD) and last day of the window */
  from: string;
  to: string;
  customers: number;
  orders: number;
  /** orders the ad conversions point at */
  attributedOrders: number;
  datasets: Record<DatasetName, DatasetSummary>;
}
