/**
 * Batch ids (`lake ingest`, one per landed batch) and run ids (one per job run) share one format:
 * `YYYYMMDDTHHMMSSZ-<6 hex>`, the UTC start to the second, then random hex: they sort by time and stay unique
 * across concurrent writers. The local runtime makes batch ids, the jobs make run ids (from the JSON export).
 */
import { randomBytes } from 'node:crypto';

export const idFormat = {
  /** random hex digits after the time stamp */
  randomHexDigits: 6,
  /** what an id made here looks like (a full match) */
  pattern: '^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$',
} as const;

/** A new id for something that starts at `now`. */
export function newId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(idFormat.randomHexDigits / 2).toString('hex')}`;
}
