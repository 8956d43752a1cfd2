/** Temporary credentials of a data role's IAM role (STS AssumeRole), cached until shortly before they expire. */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { DataRole } from '../../lib/governance/grants';

export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export type CredentialsProvider = (roleArn: string, role: DataRole) => Promise<TemporaryCredentials>;

/** Refresh this long before expiry. */
const MARGIN_MS = 5 * 60_000;

export function assumeRoleCredentials(
  sts: STSClient = new STSClient({}),
  opts: { durationSeconds?: number; now?: () => number } = {},
): CredentialsProvider {
  const cache = new Map<string, Promise<TemporaryCredentials>>();
  const now = opts.now ?? Date.now;
  return async (roleArn, role) => {
    const hit = cache.get(roleArn);
    if (hit) {
      try {
        const c = await hit;
        if (c.expiration.getTime() - MARGIN_MS > now()) return c;
      } catch {
        // a failed AssumeRole is retried on the next call
      }
    }
    const p = (async (): Promise<TemporaryCredentials> => {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: `lake-api-${role}`,
          DurationSeconds: opts.durationSeconds ?? 3600,
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration)
        throw new Error(`STS returned no credentials for ${roleArn}`);
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
    })();
    cache.set(roleArn, p);
    return p;
  };
}
