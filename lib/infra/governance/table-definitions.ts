/**
 * Pure functions from the dataset contracts to Glue table definitions and Glue Data Quality rulesets (DQDL).
 * No construct in here: the catalog construct feeds these into L1 resources, and tests check them directly.
 */
import type { AnyContract, Column, ColumnType, DatasetContract } from '../../contracts';
import { checksOf } from '../../contracts/checks';
import type { CheckSeverity } from '../../contracts/checks';
import { combinedLogFields, combinedLogRegex } from '../../contracts/combined-log';
import { icebergTableSpec } from '../../contracts/iceberg';
import { checkRules, dqString } from './check-rules';
import type { LakeNames } from '../config/lake-names';

export interface GlueColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

/** Glue column list of a processed or curated table, comments from the contract. */
export function glueColumns(contract: AnyContract): GlueColumn[] {
  return contract.columns.map((c) => ({ name: c.name, type: c.type, comment: comment(c) }));
}

function comment(c: Column): string {
  const text = c.pii ? `${c.description} [PII]` : c.description;
  return text.length > 255 ? `${text.slice(0, 252)}...` : text;
}

/** Iceberg type of a contract type (`timestamp` is an instant: `timestamptz`, what Spark writes). */
export function icebergType(type: ColumnType, elementId: number): string {
  switch (type) {
    case 'bigint':
      return 'long';
    case 'timestamp':
      return 'timestamptz';
    case 'array<string>':
      return JSON.stringify({
        type: 'list',
        'element-id': elementId,
        element: 'string',
        'element-required': false,
      });
    default:
      return type;
  }
}

export interface IcebergField {
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly doc: string;
}

export interface IcebergPartitionSpecField {
  readonly sourceId: number;
  readonly fieldId: number;
  readonly name: string;
  readonly transform: string;
}

/**
 * Iceberg schema (field ids 1..n, list element ids after them), identifier fields, required columns and the
 * partition spec of a table, from its Iceberg layout in the contracts (partition field ids from 1000, as Spark
 * numbers them).
 */
export function icebergSchema(contract: AnyContract): {
  fields: IcebergField[];
  identifierFieldIds: number[];
  partitionFields: IcebergPartitionSpecField[];
} {
  const spec = icebergTableSpec(contract);
  const required = new Set(spec.requiredColumns);
  let nextElementId = contract.columns.length + 1;
  const fields = contract.columns.map((c, i) => {
    const elementId = c.type === 'array<string>' ? nextElementId++ : 0;
    return {
      id: i + 1,
      name: c.name,
      type: icebergType(c.type, elementId),
      required: required.has(c.name),
      doc: comment(c),
    };
  });
  const idOf = (column: string): number => {
    const f = fields.find((x) => x.name === column);
    if (!f) throw new Error(`${contract.name}: ${column} is not a column`);
    return f.id;
  };
  return {
    fields,
    identifierFieldIds: spec.identifierFields.map(idOf),
    partitionFields: spec.partitionFields.map((p, i) => ({
      sourceId: idOf(p.column),
      fieldId: 1000 + i,
      name: p.name,
      transform: p.transform,
    })),
  };
}

/** Raw-zone table: how analysts can look at landed files (Hive external table, partition projection). */
export interface RawTableDefinition {
  readonly columns: GlueColumn[];
  readonly partitionKeys: GlueColumn[];
  readonly serde: { readonly library: string; readonly parameters: Record<string, string> };
  readonly inputFormat: string;
  readonly outputFormat: string;
  readonly parameters: Record<string, string>;
  /** Location relative to the raw bucket root, e.g. `transactions/`. */
  readonly prefix: string;
}

const TEXT_INPUT = 'org.apache.hadoop.mapred.TextInputFormat';
const TEXT_OUTPUT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';
/** nginx/Apache combined log format: the grammar the Spark job parses with, one named group per raw column. */
export const COMBINED_LOG_REGEX = combinedLogRegex;

function rawColumns(contract: DatasetContract): Column[] {
  return contract.columns.filter((c) => c.source === 'raw');
}

/** Hive type of a JSON field: nested raw names (`user.id`) become structs. */
function jsonColumns(contract: DatasetContract): GlueColumn[] {
  const top = new Map<string, { type: ColumnType; children: { name: string; type: string }[] }>();
  for (const c of rawColumns(contract)) {
    const path = (c.rawName ?? c.name).split('.');
    const head = path[0] ?? c.name;
    const entry = top.get(head) ?? { type: c.type, children: [] };
    if (path.length > 1) entry.children.push({ name: path.slice(1).join('.'), type: hiveJsonType(c.type) });
    top.set(head, entry);
  }
  return [...top.entries()].map(([name, e]) => ({
    name,
    type:
      e.children.length > 0
        ? `struct<${e.children.map((ch) => `${ch.name}:${ch.type}`).join(',')}>`
        : hiveJsonType(e.type),
    comment:
      e.children.length > 0 ? `Nested object: ${e.children.map((ch) => ch.name).join(', ')}.` : 'As landed.',
  }));
}

/** Raw JSON keeps timestamps and decimals as text (they arrive as strings with offsets or as JSON numbers). */
function hiveJsonType(type: ColumnType): string {
  if (type === 'timestamp') return 'string';
  if (type.startsWith('decimal')) return 'double';
  return type;
}

export function rawTableDefinition(contract: DatasetContract, rawBucketName: string): RawTableDefinition {
  const location = (p: string): string => `s3://${rawBucketName}/${p}`;
  const isStream = contract.raw.format === 'ndjson_gzip';
  const partitionKeys = isStream
    ? [
        {
          name: 'delivery_hour',
          type: 'string',
          comment: 'UTC hour Firehose delivered the records (yyyy/MM/dd/HH).',
        },
      ]
    : [{ name: 'ingest_date', type: 'string', comment: 'UTC day the file was landed (yyyy-MM-dd).' }];
  const projection: Record<string, string> = isStream
    ? {
        'projection.enabled': 'true',
        'projection.delivery_hour.type': 'date',
        'projection.delivery_hour.format': 'yyyy/MM/dd/HH',
        'projection.delivery_hour.range': '2024/01/01/00,NOW',
        'projection.delivery_hour.interval': '1',
        'projection.delivery_hour.interval.unit': 'HOURS',
        'storage.location.template': `${location(contract.raw.prefix)}\${delivery_hour}/`,
      }
    : {
        'projection.enabled': 'true',
        'projection.ingest_date.type': 'date',
        'projection.ingest_date.format': 'yyyy-MM-dd',
        'projection.ingest_date.range': '2024-01-01,NOW',
        'projection.ingest_date.interval': '1',
        'projection.ingest_date.interval.unit': 'DAYS',
        'storage.location.template': `${location(contract.raw.prefix)}ingest_date=\${ingest_date}/`,
      };
  const base = {
    partitionKeys,
    inputFormat: TEXT_INPUT,
    outputFormat: TEXT_OUTPUT,
    prefix: contract.raw.prefix,
  };
  switch (contract.raw.format) {
    case 'csv':
      return {
        ...base,
        columns: rawColumns(contract).map((c) => ({
          name: c.name,
          type: 'string',
          comment: `As landed (text). ${comment(c)}`.slice(0, 255),
        })),
        serde: {
          library: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
          parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\\' },
        },
        parameters: { ...projection, classification: 'csv', 'skip.header.line.count': '1' },
      };
    case 'combined_log':
      return {
        ...base,
        columns: combinedLogFields.map(({ column }) => ({
          name: column,
          type: 'string',
          comment: `Combined log field ${column}, as landed (escapes kept; null when the line does not match).`,
        })),
        serde: {
          library: 'org.apache.hadoop.hive.serde2.RegexSerDe',
          parameters: { 'input.regex': COMBINED_LOG_REGEX },
        },
        parameters: { ...projection, classification: 'combined_log' },
      };
    case 'json':
    case 'ndjson_gzip':
      return {
        ...base,
        columns: jsonColumns(contract),
        serde: {
          library: 'org.openx.data.jsonserde.JsonSerDe',
          parameters: { 'ignore.malformed.json': 'true' },
        },
        parameters: {
          ...projection,
          classification: 'json',
          ...(isStream ? { compressionType: 'gzip' } : {}),
        },
      };
  }
}

/** A DQDL rule and whether a failure of it is critical (the jobs quarantine or block) or a warning. */
export interface DqdlRule {
  readonly rule: string;
  readonly severity: CheckSeverity;
}

/**
 * The Glue Data Quality rules (DQDL) of a table: from the contract's column rules, its business key, and (for a
 * dataset) its dataset checks (./check-rules.ts). Nullable columns accept NULL (the jobs quarantine by the same
 * rules, so a failing processed table means drift). An `allowed` rule of severity warn (lists the outside world
 * defines: the jobs keep the record and report the value) is a warning; a dataset check keeps its own severity;
 * the rest is critical. A dataset's `uniqueKey` check takes the place of the key rule, with its severity.
 */
export function dqdlRules(contract: AnyContract): DqdlRule[] {
  const dataset = contract.database === 'processed' ? contract : undefined;
  const checks = dataset ? checkRules(dataset).rules : [];
  const keyCheck = dataset ? checksOf(dataset.name).some((c) => c.kind === 'uniqueKey') : false;
  const rules: DqdlRule[] = [];
  const add = (rule: string, severity: CheckSeverity = 'critical'): void => {
    rules.push({ rule, severity });
  };
  add('RowCount > 0');
  if (!keyCheck) add(`IsPrimaryKey ${contract.businessKey.map(dqString).join(' ')}`);
  for (const c of contract.columns) {
    const r = c.rules;
    if (!r) continue;
    const col = dqString(c.name);
    const addValues = (rule: string, severity: CheckSeverity = 'critical'): void =>
      add(r.required ? rule : `(${rule}) or (ColumnValues ${col} = NULL)`, severity);
    if (r.required) add(`IsComplete ${col}`);
    if (r.requiredWhen)
      add(`IsComplete ${col} where ${dqString(`${r.requiredWhen.column} = '${r.requiredWhen.equals}'`)}`);
    if (r.min !== undefined) addValues(`ColumnValues ${col} >= ${r.min}`);
    if (r.max !== undefined) addValues(`ColumnValues ${col} <= ${r.max}`);
    if (r.allowed)
      addValues(
        `ColumnValues ${col} in [${r.allowed.map(dqString).join(', ')}]`,
        r.allowedSeverity ?? 'warn',
      );
    if (r.pattern !== undefined) addValues(`ColumnValues ${col} matches ${dqString(r.pattern)}`);
    if (r.maxLength !== undefined) addValues(`ColumnLength ${col} <= ${r.maxLength}`);
  }
  for (const c of checks) add(c.rule, c.severity);
  return rules;
}

/** A DQDL document of rules. */
export function dqdlDocument(rules: readonly DqdlRule[]): string {
  return `Rules = [\n  ${rules.map((r) => r.rule).join(',\n  ')}\n]`;
}

/**
 * A table's rulesets, one per severity: DQDL has no severity of its own, and a ruleset evaluation passes or fails
 * as a whole, so the critical rules (whose failure alarms, lib/infra/monitoring) and the warnings (reported in the
 * evaluation results, never alarmed) are two rulesets, `names.ruleset(table)` and `names.ruleset(table, 'warn')`.
 * `warn` is undefined when the table has no warning rule.
 */
export function dqdlRulesets(contract: AnyContract): { readonly critical: string; readonly warn?: string } {
  const rules = dqdlRules(contract);
  const warn = rules.filter((r) => r.severity === 'warn');
  return {
    critical: dqdlDocument(rules.filter((r) => r.severity === 'critical')),
    ...(warn.length > 0 ? { warn: dqdlDocument(warn) } : {}),
  };
}

/** The severities a table has a ruleset of (critical always; warn when it has warnings). */
export function rulesetSeverities(contract: AnyContract): readonly CheckSeverity[] {
  return dqdlRules(contract).some((r) => r.severity === 'warn') ? ['critical', 'warn'] : ['critical'];
}

/** The names of a table's rulesets: what an evaluation run names and what a role may start. */
export function rulesetNames(names: LakeNames, contract: AnyContract): string[] {
  return rulesetSeverities(contract).map((severity) => names.ruleset(contract.name, severity));
}
