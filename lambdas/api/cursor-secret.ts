/**
 * The cursor-signing keys of the deployed API, read at run time from Secrets Manager (never from the function's
 * environment, where anyone who can read its configuration could forge cursors). The version labelled
 * AWSCURRENT signs; AWSPREVIOUS, which Secrets Manager keeps for the version a rotation replaced, is still
 * accepted. Keys are cached and read again when older than `maxAgeMs`, or at the next request after a token
 * matched no key (a rotation may have happened since).
 */
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { cursorKey, type CursorKeys } from './cursor';

export interface CursorSecretOptions {
  readonly client: SecretsManagerClient;
  /** ARN (or name) of the secret. */
  readonly secretId: string;
  /** How long keys are used before they are read again. @default 300000 (5 minutes) */
  readonly maxAgeMs?: number;
  /** Shortest interval between two reads caused by unknown keys. @default 30000 */
  readonly minRereadMs?: number;
  readonly now?: () => number;
}

export class CursorSecret {
  private cached: { readonly keys: CursorKeys; readonly at: number } | undefined;
  private stale = false;
  private pending: Promise<CursorKeys> | undefined;
  private readonly maxAgeMs: number;
  private readonly minRereadMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: CursorSecretOptions) {
    this.maxAgeMs = opts.maxAgeMs ?? 300_000;
    this.minRereadMs = opts.minRereadMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  /** The keys, read from Secrets Manager when none are cached, they are too old, or marked stale. */
  async refresh(): Promise<CursorKeys> {
    const c = this.cached;
    const age = c === undefined ? Infinity : this.now() - c.at;
    const due = age >= this.maxAgeMs || (this.stale && age >= this.minRereadMs);
    if (c !== undefined && !due) return c.keys;
    this.pending ??= this.read().finally(() => (this.pending = undefined));
    try {
      return await this.pending;
    } catch (err) {
      // Secrets Manager unreachable: keep signing with the keys already known rather than failing every call.
      if (c !== undefined) return c.keys;
      throw err;
    }
  }

  /** The cached keys (after `refresh`). */
  keys(): CursorKeys {
    if (this.cached === undefined) throw new Error('cursor keys read before CursorSecret.refresh()');
    return this.cached.keys;
  }

  /** A token matched no key: read the secret again at the next request (at most every `minRereadMs`). */
  markStale(): void {
    this.stale = true;
  }

  private async read(): Promise<CursorKeys> {
    const [current, previous] = await Promise.all([this.version('AWSCURRENT'), this.version('AWSPREVIOUS')]);
    if (current === undefined) throw new Error(`secret ${this.opts.secretId} has no AWSCURRENT version`);
    const keys: CursorKeys = {
      current: cursorKey(current, `secret ${this.opts.secretId} (AWSCURRENT)`),
      previous:
        previous === undefined ? [] : [cursorKey(previous, `secret ${this.opts.secretId} (AWSPREVIOUS)`)],
    };
    this.cached = { keys, at: this.now() };
    this.stale = false;
    return keys;
  }

  private async version(stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined> {
    try {
      const out = await this.opts.client.send(
        new GetSecretValueCommand({ SecretId: this.opts.secretId, VersionStage: stage }),
      );
      if (out.SecretString === undefined) throw new Error(`secret ${this.opts.secretId} holds no string`);
      return out.SecretString;
    } catch (err) {
      // a secret that was never rotated has no AWSPREVIOUS version
      if (stage === 'AWSPREVIOUS' && err instanceof ResourceNotFoundException) return undefined;
      throw err;
    }
  }
}
