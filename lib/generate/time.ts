/** Time helpers shared by the generators: the day window, intra-day traffic shape, and timestamp spellings. */
import { Rng, Weighted } from './prng';

export const DAY_MS = 86_400_000;

/** Midnight UTC of a date. */
export function utcMidnight(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** First day of a window of `days` days ending yesterday (UTC), or the given start's midnight. */
export function windowStart(days: number, start?: Date): number {
  return start ? utcMidnight(start) : utcMidnight(new Date()) - days * DAY_MS;
}

/** `YYYY-MM-DD` of an epoch-ms instant (UTC). */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * Share of a day's activity in each local hour: quiet at night, a lunch bump, the peak in the evening.
 */
const hourWeights = [
  1.2, 0.8, 0.5, 0.4, 0.4, 0.6, 1.2, 2.2, 3.2, 3.8, 4.2, 4.6, 5.2, 5.0, 4.6, 4.5, 4.7, 5.3, 6.4, 7.6, 8.4,
  8.0, 6.2, 3.2,
];
const hourPicker = new Weighted(hourWeights.map((w, h) => [h, w] as const));

/** Seconds after local midnight, following the daily traffic shape. */
export function secondOfDay(rng: Rng): number {
  return hourPicker.draw(rng) * 3600 + Math.floor(rng.next() * 3600);
}

/** The instant within the UTC day `dayMs` whose local time (at `offsetMin`) follows the traffic shape. */
export function instantInDay(rng: Rng, dayMs: number, offsetMin: number): number {
  const local = secondOfDay(rng) - offsetMin * 60;
  const inDay = ((local % 86_400) + 86_400) % 86_400;
  return dayMs + inDay * 1000 + Math.floor(rng.next() * 1000);
}

/** Day-of-week factor (weekends are busier for a consumer shop). 0 = Sunday. */
export function weekdayFactor(dayMs: number): number {
  return [1.15, 0.9, 0.92, 0.95, 1.0, 1.08, 1.2][new Date(dayMs).getUTCDay()] as number;
}

function offsetParts(offsetMin: number): { sign: string; hh: string; mm: string } {
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return { sign, hh: pad2(Math.floor(abs / 60)), mm: pad2(abs % 60) };
}

const dayCache = new Map<number, string>();

/** `YYYY-MM-DD` and `HH:MM:SS` (and milliseconds) of a wall-clock instant, without allocating a Date per call. */
function wall(ms: number): { day: string; hms: string; milli: string } {
  const dayNo = Math.floor(ms / DAY_MS);
  let day = dayCache.get(dayNo);
  if (day === undefined) {
    day = new Date(dayNo * DAY_MS).toISOString().slice(0, 10);
    if (dayCache.size > 10_000) dayCache.clear();
    dayCache.set(dayNo, day);
  }
  const inDay = ms - dayNo * DAY_MS;
  const sec = Math.floor(inDay / 1000);
  const hms = `${pad2(Math.floor(sec / 3600))}:${pad2(Math.floor(sec / 60) % 60)}:${pad2(sec % 60)}`;
  return { day, hms, milli: String(inDay % 1000).padStart(3, '0') };
}

/** ISO 8601 with an explicit offset, e.g. `2026-11-27T19:03:11+01:00` (`Z` when asked and the offset is 0). */
export function isoWithOffset(
  ms: number,
  offsetMin: number,
  opts: { millis?: boolean; z?: boolean } = {},
): string {
  const w = wall(ms + offsetMin * 60_000);
  const base = opts.millis ? `${w.day}T${w.hms}.${w.milli}` : `${w.day}T${w.hms}`;
  if (offsetMin === 0 && opts.z) return `${base}Z`;
  const o = offsetParts(offsetMin);
  return `${base}${o.sign}${o.hh}:${o.mm}`;
}

/** `YYYY-MM-DD HH:MM:SS`, meaning UTC. */
export function sqlUtc(ms: number): string {
  const w = wall(ms);
  return `${w.day} ${w.hms}`;
}

function localFields(ms: number, offsetMin: number): Date {
  return new Date(ms + offsetMin * 60_000);
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Combined-log time, e.g. `27/Nov/2026:19:03:11 +0100`. */
export function clfTime(ms: number, offsetMin: number): string {
  const d = localFields(ms, offsetMin);
  const o = offsetParts(offsetMin);
  return (
    `${pad2(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${o.sign}${o.hh}${o.mm}`
  );
}
