/**
 * Tiny independent parsers for the tests: they read the generator's output the way a consumer would, without
 * using the generator's own code, so that summary counts are checked against what is really in the files.
 */
import { gunzipSync } from 'node:zlib';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits one CSV record (no line end) into fields, RFC 4180. Throws on a stray quote. */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote in ${line}`);
        field += line.slice(i, q);
        if (line[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      if (i < line.length && line[i] !== ',') throw new Error(`text after closing quote in ${line}`);
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      field = line.slice(i, end);
      if (field.includes('"')) throw new Error(`quote inside unquoted field in ${line}`);
      i = end;
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // the comma
  }
}

/** Lines of a file as raw bytes (split on LF; a trailing CR is removed; the final empty piece dropped). */
export function byteLines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) {
      if (start < buf.length) out.push(buf.subarray(start));
      return out;
    }
    let end = nl;
    if (end > start && buf[end - 1] === 0x0d) end--;
    out.push(buf.subarray(start, end));
    start = nl + 1;
  }
}

/** Decodes strictly; null when the bytes are not UTF-8. */
export function strictUtf8(b: Uint8Array): string | null {
  try {
    return utf8.decode(b);
  } catch {
    return null;
  }
}

export interface CsvFile {
  bom: boolean;
  crlf: boolean;
  header: string;
  /** data rows: fields, or null when the row is not UTF-8 */
  rows: { raw: string | null; fields: string[] | null }[];
}

export function readCsv(buf: Buffer): CsvFile {
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  const body = bom ? buf.subarray(3) : buf;
  const lines = byteLines(body);
  const crlf = body.includes('\r\n');
  const header = strictUtf8(lines[0] as Buffer) ?? '';
  const rows = lines.slice(1).map((l) => {
    const raw = strictUtf8(l);
    return { raw, fields: raw === null ? null : splitCsv(raw) };
  });
  return { bom, crlf, header, rows };
}

/** nginx/Apache combined log line. */
export const combinedLog =
  /^(\S+) (\S+) (\S+) \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "(\S+) (\S+) (HTTP\/[\d.]+)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"$/;

export function gunzipLines(buf: Buffer): string[] {
  return gunzipSync(buf)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

export function tryJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}
