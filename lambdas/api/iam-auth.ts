/**
 * On AWS every method uses IAM (SigV4) auth: API Gateway has verified the caller before the Lambda runs. The
 * caller's principal maps to a data role through configuration (LAKE_PRINCIPAL_ROLES).
 */
import { isRole, type DataRole } from '../../lib/governance/grants';
import { ApiError } from './errors';
import type { Authenticator } from './router';

/** `arn:aws:sts::123:assumed-role/Name/session` -> `arn:aws:iam::123:role/Name` (other ARNs unchanged). */
export function roleArnOf(principal: string): string {
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principal);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : principal;
}

export function parsePrincipalRoles(json: string | undefined): ReadonlyMap<string, DataRole> {
  const parsed: unknown = JSON.parse(json ?? '{}');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('LAKE_PRINCIPAL_ROLES must be a JSON object {principalArn: role}');
  const out = new Map<string, DataRole>();
  for (const [arn, role] of Object.entries(parsed)) {
    if (typeof role !== 'string' || !isRole(role))
      throw new Error(`LAKE_PRINCIPAL_ROLES: unknown role ${String(role)} for ${arn}`);
    out.set(arn, role);
  }
  return out;
}

export function iamAuthenticator(principals: ReadonlyMap<string, DataRole>): Authenticator {
  return async (req) => {
    const who = req.iamPrincipal;
    if (!who) throw new ApiError('unauthorized', 'the request carries no IAM identity (sign it with SigV4)');
    const role = principals.get(who) ?? principals.get(roleArnOf(who));
    if (!role)
      throw new ApiError('forbidden', 'this principal is not mapped to a data role', { principal: who });
    return { id: who, role };
  };
}
