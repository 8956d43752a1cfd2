/** API-key authentication for the local server: `x-api-key: <key>` or `Authorization: Bearer <key>`. */
import { statSync } from 'node:fs';
import { ApiError } from '../../lambdas/api/errors';
import type { Authenticator } from '../../lambdas/api/router';
import { apiKeysFile, readKeys, verifyKey, type StoredKey } from './api-keys';

export function apiKeyAuthenticator(home: string): Authenticator {
  const file = apiKeysFile(home);
  let cached: { mtimeMs: number; keys: StoredKey[] } | undefined;
  const keys = (): StoredKey[] => {
    let mtimeMs = -1;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return [];
    }
    if (!cached || cached.mtimeMs !== mtimeMs) cached = { mtimeMs, keys: readKeys(home) };
    return cached.keys;
  };
  return async (req) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const presented = req.headers['x-api-key'] ?? bearer;
    if (!presented)
      throw new ApiError(
        'unauthorized',
        'an API key is required (x-api-key header); create one with `lake keys create --role <role>`',
      );
    const entry = verifyKey(keys(), presented);
    if (!entry) throw new ApiError('unauthorized', 'the API key is not valid');
    return { id: `key:${entry.id}`, role: entry.role };
  };
}
