/**
 * Validation of a query route's input: everything a caller sends is checked here, before any SQL is built.
 * Invalid input is a 400 that names the field; nothing reaches an engine.
 */
import { grants, type DataRole } from '../../lib/governance/grants';
import { parseAsOf, type AsOf } from '../../lib/versions/as-of';
import { VersionError } from '../../lib/versions/model';
import { badRequest } from './errors';
import type { FilterDef, OutputColumn, QueryRouteDef } from './routes';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
const DAY_MS = 86_400_000;

export type FilterValue = string | number | boolean;

export interface QueryInput {
  /** inclusive, epoch ms */
  readonly from: number;
  /** exclusive, epoch ms */
  readonly to: number;
  readonly filters: readonly { readonly filter: FilterDef; readonly value: FilterValue }[];
  /** output columns to return, in route order */
  readonly fields: readonly OutputColumn[];
  readonly limit: number;
  readonly cursor?: string;
  /** read the table as of this version, time or tag (resolved against the table's versions by the router) */
  readonly asOf?: AsOf;
}

/** Columns of a route the role may see: PII only with the PII grant (rows, schemas and OpenAPI alike). */
export function visibleOutput(route: QueryRouteDef, role: DataRole): readonly OutputColumn[] {
  return route.columns.filter((c) => grants[role].pii || !c.pii);
}

export function visibleFilters(route: QueryRouteDef, role: DataRole): readonly FilterDef[] {
  return route.filters.filter((f) => grants[role].pii || !f.pii);
}

/** `from`/`to` as a day (midnight UTC) or an instant with `Z` or an offset; the OpenAPI document shows both. */
export const DATE_PATTERN = '^(\\d{4})-(\\d{2})-(\\d{2})$';
export const INSTANT_PATTERN =
  '^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?(Z|[+-]\\d{2}:\\d{2})$';
const DATE = new RegExp(DATE_PATTERN);
const INSTANT = new RegExp(INSTANT_PATTERN);

/** `YYYY-MM-DD` (midnight UTC) or an ISO 8601 instant with `Z` or an offset. */
export function parseTime(field: string, raw: string | undefined): number {
  if (raw === undefined || raw === '')
    throw badRequest(field, 'is required (YYYY-MM-DD or an ISO 8601 instant)');
  const d = DATE.exec(raw);
  const i = d ? undefined : INSTANT.exec(raw);
  if (!d && !i)
    throw badRequest(field, 'must be YYYY-MM-DD or an ISO 8601 instant such as 2024-05-01T00:00:00Z');
  const g = (d ?? i) as RegExpExecArray;
  const [y, mo, da] = [Number(g[1]), Number(g[2]), Number(g[3])];
  const ms = d ? Date.UTC(y, mo - 1, da) : Date.parse(raw);
  const check = new Date(Date.UTC(y, mo - 1, da));
  if (
    !Number.isFinite(ms) ||
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== da ||
    y < 1970 ||
    y > 9999
  )
    throw badRequest(field, 'is not a valid date or time');
  return ms;
}

function parseFilter(f: FilterDef, raw: string): FilterValue {
  const field = f.param;
  if (raw === '') throw badRequest(field, 'must not be empty');
  if (f.valueType === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw badRequest(field, 'must be true or false');
    return raw === 'true';
  }
  if (f.valueType === 'int') {
    if (!/^-?\d{1,9}$/.test(raw)) throw badRequest(field, 'must be an integer');
    const n = Number(raw);
    if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max))
      throw badRequest(field, `must be between ${f.min ?? '-inf'} and ${f.max ?? 'inf'}`);
    return n;
  }
  if ([...raw].length > f.maxLength) throw badRequest(field, `must be at most ${f.maxLength} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw badRequest(field, 'must not contain control characters');
  if (f.allowed && !f.allowed.includes(raw))
    throw badRequest(field, `must be one of ${f.allowed.join(', ')}`);
  if (f.pattern && !new RegExp(`^(?:${f.pattern})$`, 'u').test(raw))
    throw badRequest(field, `must match ${f.pattern}`);
  return raw;
}

/** `limit`: 1 to MAX_LIMIT, DEFAULT_LIMIT when absent. */
export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || n < 1 || n > MAX_LIMIT)
    throw badRequest('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
  return n;
}

/** Parse and bound a query route's query string for a role. Throws a 400 ApiError naming the field. */
export function parseQueryInput(
  route: QueryRouteDef,
  role: DataRole,
  query: Readonly<Record<string, string | undefined>>,
  repeated: readonly string[] = [],
): QueryInput {
  const filters = visibleFilters(route, role);
  const known = new Set(['from', 'to', 'fields', 'limit', 'cursor', 'as_of', ...filters.map((f) => f.param)]);
  const twice = repeated[0];
  if (twice !== undefined) throw badRequest(twice, 'must be given at most once');
  for (const name of Object.keys(query)) {
    if (!known.has(name)) throw badRequest(name, 'is not a parameter of this route', { allowed: [...known] });
  }
  const from = parseTime('from', query.from);
  const to = parseTime('to', query.to);
  if (to <= from) throw badRequest('to', 'must be after from');
  if (to - from > route.maxRangeDays * DAY_MS)
    throw badRequest('to', `the range may span at most ${route.maxRangeDays} days`, {
      maxRangeDays: route.maxRangeDays,
    });

  const visible = visibleOutput(route, role);
  let fields = visible;
  if (query.fields !== undefined) {
    const names = query.fields.split(',').map((s) => s.trim());
    const unknown = names.filter((n) => !visible.some((c) => c.name === n));
    if (names.length === 0 || unknown.length > 0 || names.includes(''))
      throw badRequest('fields', `unknown field(s): ${unknown.join(', ') || '(empty)'}`, {
        allowed: visible.map((c) => c.name),
      });
    fields = visible.filter((c) => names.includes(c.name));
  }

  const limit = parseLimit(query.limit);

  const values = filters.flatMap((f) => {
    const raw = query[f.param];
    return raw === undefined ? [] : [{ filter: f, value: parseFilter(f, raw) }];
  });
  if (query.cursor === '') throw badRequest('cursor', 'must not be empty');
  const asOf = query.as_of === undefined ? undefined : parseAsOfParam(query.as_of);
  return {
    from,
    to,
    filters: values,
    fields,
    limit,
    ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    ...(asOf ? { asOf } : {}),
  };
}

/** `as_of`: a snapshot id, an ISO 8601 time or a tag or branch name (the OpenAPI document gives the pattern). */
export const AS_OF_MAX_LENGTH = 128;

function parseAsOfParam(raw: string): AsOf {
  if (raw === '') throw badRequest('as_of', 'must not be empty');
  if (raw.length > AS_OF_MAX_LENGTH)
    throw badRequest('as_of', `must be at most ${AS_OF_MAX_LENGTH} characters`);
  try {
    return parseAsOf(raw);
  } catch (e) {
    if (e instanceof VersionError) throw badRequest('as_of', e.message);
    throw e;
  }
}

/** The canonical form of a query (without cursor), which a cursor is bound to. */
export function canonicalQuery(route: QueryRouteDef, role: DataRole, q: QueryInput): string {
  return JSON.stringify([
    route.path,
    role,
    q.from,
    q.to,
    q.filters.map((f) => [f.filter.param, f.value]),
    q.fields.map((f) => f.name),
    q.limit,
    // a query as of a version is another query: its cursor does not serve the current version's pages
    ...(q.asOf ? [q.asOf.text] : []),
  ]);
}
