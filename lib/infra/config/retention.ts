import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_LOG_RETENTION_DAYS } from './defaults';

const allowed = Object.values(RetentionDays).filter(
  (v): v is RetentionDays => typeof v === 'number' && v > 0,
);

/** Days -> the CloudWatch Logs retention enum (days must be one of the values CloudWatch Logs accepts). */
export function retention(days: number = DEFAULT_LOG_RETENTION_DAYS): RetentionDays {
  const r = allowed.find((v) => v === days);
  if (r === undefined)
    throw new Error(`logRetentionDays ${days} is not a CloudWatch Logs retention (${allowed.join(', ')})`);
  return r;
}
