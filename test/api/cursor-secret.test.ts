/** Cursor keys read from Secrets Manager (mocked with aws-sdk-client-mock): cache, rotation, two valid keys. */
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { Sealer } from '../../lambdas/api/cursor';
import { CursorSecret } from '../../lambdas/api/cursor-secret';
import { ApiError } from '../../lambdas/api/errors';

const sm = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:lake-cursor';
const KEY_1 = 'first-cursor-key-0123456789abcdef';
const KEY_2 = 'second-cursor-key-0123456789abcdef';

/** The secret's versions: AWSCURRENT, and AWSPREVIOUS when a rotation happened. */
function versions(current: string, previous?: string): void {
  sm.reset();
  sm.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSCURRENT' }).resolves({
    SecretString: current,
  });
  const prev = sm.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSPREVIOUS' });
  if (previous === undefined)
    prev.rejects(new ResourceNotFoundException({ message: 'no such version', $metadata: {} }));
  else prev.resolves({ SecretString: previous });
}

let clock = 0;
const secretOf = (opts: { maxAgeMs?: number; minRereadMs?: number } = {}) =>
  new CursorSecret({
    client: new SecretsManagerClient({ region: 'eu-west-1' }),
    secretId: ARN,
    now: () => clock,
    ...opts,
  });
const sealerOf = (s: CursorSecret) => new Sealer(() => s.keys(), { onUnknownKey: () => s.markStale() });
const reads = () => sm.commandCalls(GetSecretValueCommand).length;

beforeEach(() => {
  clock = 1_000_000;
});

test('the keys are read once and cached until they are older than maxAgeMs', async () => {
  versions(KEY_1);
  const s = secretOf({ maxAgeMs: 60_000 });
  const first = await s.refresh();
  expect(first.current.toString()).toBe(KEY_1);
  expect(first.previous).toEqual([]);
  expect(reads()).toBe(2); // AWSCURRENT and AWSPREVIOUS
  clock += 59_000;
  await s.refresh();
  expect(reads()).toBe(2);
  clock += 1_000;
  await s.refresh();
  expect(reads()).toBe(4);
});

test('after a rotation: sealed with the new key, a cursor sealed with the previous key is still accepted', async () => {
  versions(KEY_1);
  const s = secretOf({ maxAgeMs: 60_000 });
  await s.refresh();
  const sealer = sealerOf(s);
  const before = sealer.seal('cursor', { page: 2 }, 3_600_000, clock);

  versions(KEY_2, KEY_1); // put-secret-value: AWSCURRENT moves to the new version, AWSPREVIOUS to the old
  clock += 60_000;
  const keys = await s.refresh();
  expect([keys.current.toString(), keys.previous.map((k) => k.toString())]).toEqual([KEY_2, [KEY_1]]);

  expect(sealer.open('cursor', before, 'cursor', clock)).toEqual({ page: 2 });
  const after = sealer.seal('cursor', { page: 3 }, 3_600_000, clock);
  expect(after).not.toBe(before);
  // sealed with the new key: a sealer that only knows the old key refuses it
  expect(() => new Sealer(KEY_1).open('cursor', after, 'cursor', clock)).toThrow(/not a valid token/);
  expect(new Sealer(KEY_2).open('cursor', after, 'cursor', clock)).toEqual({ page: 3 });
});

test('a cursor sealed with an unknown key is refused (400 naming the field), and the keys are read again soon', async () => {
  versions(KEY_2, KEY_1);
  const s = secretOf({ maxAgeMs: 300_000, minRereadMs: 30_000 });
  await s.refresh();
  const forged = new Sealer('some-other-key-0123456789abcdef').seal('cursor', { page: 9 }, 3_600_000, clock);
  let err: unknown;
  try {
    sealerOf(s).open('cursor', forged, 'cursor', clock);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).status).toBe(400);
  expect((err as ApiError).details).toEqual({ field: 'cursor' });

  const n = reads();
  await s.refresh(); // marked stale, but read at most every minRereadMs
  expect(reads()).toBe(n);
  clock += 30_000;
  await s.refresh();
  expect(reads()).toBe(n + 2);
});

test('Secrets Manager unreachable: the known keys stay in use; with none known the error surfaces', async () => {
  versions(KEY_1);
  const s = secretOf({ maxAgeMs: 1_000 });
  await s.refresh();
  sm.reset();
  sm.on(GetSecretValueCommand).rejects(new Error('connect timeout'));
  clock += 5_000;
  expect((await s.refresh()).current.toString()).toBe(KEY_1);
  await expect(secretOf().refresh()).rejects.toThrow(/connect timeout/);
});

test('a key shorter than 16 bytes is refused with the version it came from', async () => {
  versions('short');
  await expect(secretOf().refresh()).rejects.toThrow(/AWSCURRENT\) must be at least 16 bytes/);
});
