/**
 * One column, one type, on every engine that reads it: the Iceberg type the Glue table definitions declare
 * (table-definitions.ts), the Iceberg type local Spark writes (the fixture lake's own metadata), and the type the
 * Trino check declares (route-check.ts) must be the same Iceberg type read the way Athena reads it. Athena's mapping
 * of Iceberg types (its "Supported data types for Iceberg tables" table): timestamp -> timestamp, timestamptz ->
 * timestamp with time zone, long -> bigint, int -> integer, string -> varchar, list -> array.
 */
import { allTables } from '../../lib/contracts';
import { icebergType } from '../../lib/infra/governance/table-definitions';
import { readTableMetadata } from '../../lib/local/iceberg';
import { layout, tableDir } from '../../lib/local/layout';
import { trinoType } from '../../lib/trino/route-check';
import { fixtureLake } from '../support/fixture-lake';

/** How Athena (Trino) types an Iceberg primitive or list column. */
function athenaTypeOf(iceberg: unknown): string {
  if (typeof iceberg === 'object' && iceberg !== null && (iceberg as { type?: string }).type === 'list')
    return `array(${athenaTypeOf((iceberg as { element: unknown }).element)})`;
  const t = String(iceberg);
  const simple: Record<string, string> = {
    boolean: 'boolean',
    int: 'integer',
    long: 'bigint',
    float: 'real',
    double: 'double',
    date: 'date',
    string: 'varchar',
    binary: 'varbinary',
    timestamp: 'timestamp(6)',
    timestamptz: 'timestamp(6) with time zone',
  };
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) return `decimal(${decimal[1]},${decimal[2]})`;
  const s = simple[t];
  if (!s) throw new Error(`no Athena type for Iceberg ${t}`);
  return s;
}

const parse = (t: string): unknown => (t.startsWith('{') ? JSON.parse(t) : t);
const normal = (t: string): string => t.replace(/\s*,\s*/g, ',');

describe('column types agree across the Glue definitions, local Spark and the Trino check', () => {
  const home = fixtureLake().home;
  const columns = allTables.flatMap((t) => t.columns.map((c) => ({ table: t, column: c })));

  it.each(columns.map(({ table, column }) => [`${table.name}.${column.name}`, table, column] as const))(
    '%s',
    (_name, table, column) => {
      const declared = parse(icebergType(column.type, 1));
      const written = readTableMetadata(tableDir(layout(home), table.database, table.name))?.schema.find(
        (f) => f.name === column.name,
      );
      expect(written).toBeDefined();
      const writtenType = written?.type;
      // Spark wrote the same Iceberg type the Glue definition declares (list element ids differ by table)
      expect(athenaTypeOf(writtenType)).toBe(athenaTypeOf(declared));
      expect(normal(trinoType(column.type))).toBe(normal(athenaTypeOf(declared)));
    },
  );

  it('an instant is timestamptz everywhere, which Athena reads as timestamp with time zone', () => {
    const instants = columns.filter(({ column }) => column.type === 'timestamp');
    expect(instants.length).toBeGreaterThan(0);
    for (const { column } of instants) expect(icebergType(column.type, 1)).toBe('timestamptz');
    expect(athenaTypeOf('timestamp')).not.toBe(athenaTypeOf('timestamptz'));
  });
});
