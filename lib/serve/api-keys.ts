/**
 * Local API keys: random, shown once, stored hashed (SHA-256 of the secret; the secret has 256 random bits)
 * with their role in <HOME>/state/api-keys.json (mode 0600).
 * Key format: `lake_<id>_<secret>`; the id locates the entry, the secret proves possession.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isRole, type DataRole } from '../governance/grants';
import { layout } from '../local/layout';

export interface StoredKey {
  readonly id: string;
  readonly role: DataRole;
  /** hex SHA-256 of the secret part */
  readonly hash: string;
  readonly createdAt: string;
  readonly label?: string;
}

const KEY = /^lake_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export function apiKeysFile(home: string): string {
  return join(layout(home).state, 'api-keys.json');
}

export function readKeys(home: string): StoredKey[] {
  const file = apiKeysFile(home);
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys?: StoredKey[] };
  return (parsed.keys ?? []).filter((k) => isRole(k.role));
}

function writeKeys(home: string, keys: readonly StoredKey[]): void {
  const file = apiKeysFile(home);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ keys }, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
  chmodSync(file, 0o600);
}

/** Creates a key for a role; returns the key (the only time it is ever shown) and its stored entry. */
export function createKey(home: string, role: DataRole, label?: string): { key: string; entry: StoredKey } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const entry: StoredKey = {
    id,
    role,
    hash: sha256(secret),
    createdAt: new Date().toISOString(),
    ...(label ? { label } : {}),
  };
  writeKeys(home, [...readKeys(home), entry]);
  return { key: `lake_${id}_${secret}`, entry };
}

/** Removes a key; a running server refuses it from its next request on. Returns the removed entry, if any. */
export function revokeKey(home: string, id: string): StoredKey | undefined {
  const keys = readKeys(home);
  const entry = keys.find((k) => k.id === id);
  if (entry)
    writeKeys(
      home,
      keys.filter((k) => k !== entry),
    );
  return entry;
}

/** The stored entry a presented key belongs to, or undefined. Constant-time on the secret. */
export function verifyKey(keys: readonly StoredKey[], presented: string): StoredKey | undefined {
  const m = KEY.exec(presented);
  if (!m) return undefined;
  const entry = keys.find((k) => k.id === m[1]);
  if (!entry) return undefined;
  const a = Buffer.from(sha256(m[2] as string), 'hex');
  const b = Buffer.from(entry.hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b) ? entry : undefined;
}

/** The secret that seals cursors and query ids of the local server: random, kept in the lake home. */
export function localCursorSecret(home: string): Buffer {
  const file = join(layout(home).state, 'api-cursor-secret');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}
