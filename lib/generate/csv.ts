/** RFC 4180 field quoting. */

const needsQuotes = /[",\r\n]/;

/** One field: quoted (with `"` doubled) when it holds a comma, a quote or a line break, or when forced. */
export function csvField(value: string, forceQuotes = false): string {
  if (forceQuotes || needsQuotes.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/** One record, without the line end. */
export function csvRecord(fields: readonly string[], forceQuotes = false): string {
  let s = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) s += ',';
    s += csvField(fields[i] as string, forceQuotes);
  }
  return s;
}
