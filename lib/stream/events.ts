/**
 * What `lake stream produce` and `lake stream run` send: ad events from the generator (lib/generate), in chunks so
 * that an endless run keeps a small memory footprint. Conversions point at the orders of the sample lake generated
 * with `lakeSeed` (so that revenue attribution joins processed.transactions); malformed records at `badRate`
 * (contract violations and, among them, non-JSON records).
 */
import { adEventPayloads, generateAdEvents, generateDefaults, generatePeopleAndOrders } from '../generate';
import type { Order } from '../generate';
import type { Payload } from './producer';

export interface AdEventSourceOptions {
  /** events in total. @default endless */
  readonly count?: number;
  /** seed of the events; each chunk derives its own. @default a new one per call (time based) */
  readonly seed?: number;
  /** share of malformed records. @default 0 */
  readonly badRate?: number;
  /** seed of the sample lake whose orders conversions point at; null: no conversions. @default the generator's default seed */
  readonly lakeSeed?: number | null;
  /** events generated at a time. @default 2000 */
  readonly chunk?: number;
}

export function newSeed(): number {
  return Date.now() % 2_147_483_647;
}

let ordersCache: { seed: number; orders: Order[] } | undefined;

function lakeOrders(seed: number): Order[] {
  if (ordersCache?.seed !== seed)
    ordersCache = { seed, orders: generatePeopleAndOrders({ seed }).orders.flat() };
  return ordersCache.orders;
}

/** The events, lazily: objects (event_id is the partition key), or bytes when malformed records are asked for. */
export function* adEventSource(opts: AdEventSourceOptions = {}): Generator<Payload> {
  const seed = opts.seed ?? newSeed();
  const chunk = opts.chunk ?? 2000;
  const lakeSeed = opts.lakeSeed === undefined ? generateDefaults.seed : opts.lakeSeed;
  const orders = lakeSeed === null ? undefined : lakeOrders(lakeSeed);
  const badRate = opts.badRate ?? 0;
  let left = opts.count ?? Number.POSITIVE_INFINITY;
  for (let k = 0; left > 0; k++) {
    const count = Math.min(chunk, left);
    const o = {
      count,
      seed: seed + k * 7919,
      badRate,
      ...(orders ? { orders, lakeSeed: lakeSeed as number } : {}),
    };
    // each chunk's events end about now: event times stay close to produce times in an endless run
    yield* badRate > 0 ? adEventPayloads(o) : generateAdEvents(o);
    left -= count;
  }
}
