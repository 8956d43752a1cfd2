/** Rendering helpers for the CLI: aligned text tables, CSV (RFC 4180), sizes and durations. */

export type Cell = string | number | boolean | null | undefined | readonly unknown[] | object;

export function cellText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

const isNumeric = (v: Cell): boolean => typeof v === 'number';

/** A plain aligned table; numbers right-aligned, long cells cut at `maxWidth`. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  opts: { maxWidth?: number } = {},
): string {
  const maxWidth = opts.maxWidth ?? 60;
  const cut = (s: string): string => {
    const one = s.replace(/\s*\n\s*/g, ' ');
    return one.length > maxWidth ? `${one.slice(0, maxWidth - 1)}…` : one;
  };
  const text = rows.map((r) => headers.map((_, i) => cut(cellText(r[i]))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const right = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => r[i] === null || r[i] === undefined || isNumeric(r[i])),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

function csvField(v: Cell): string {
  const s = cellText(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [
    headers.map(csvField).join(','),
    ...rows.map((r) => headers.map((_, i) => csvField(r[i])).join(',')),
  ].join('\r\n');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
