/**
 * The nginx/Apache "combined" log grammar, declared once: the raw Glue table's RegexSerDe (what analysts see in
 * Athena) and the Spark job's parser (what is loaded) apply this very regular expression, in the same engine
 * (Java's java.util.regex: the SerDe runs in the JVM, and Spark's regexp functions too).
 *
 * `%h %l %u [%t] "%r" %>s %b "%{Referer}i" "%{User-agent}i"`, where:
 * - no field holds a control character (servers escape them, as `\xHH`); host, ident and user hold no space;
 * - the quoted fields allow Apache's backslash escapes (`\"`, `\\`, `\xHH`), left as written: readers unescape;
 * - the request line `"%r"` is `METHOD target[ HTTP/x.y]`; any other quoted text (`"-"`, an escaped TLS
 *   handshake) still matches the line, with method, target and protocol absent: such a line is well-formed but
 *   holds no request (the job quarantines it as `parse:log_line`);
 * - trailing white space is allowed; the expression is anchored at both ends (`^`, `\z`), so a search (Spark)
 *   and a whole-line match (the SerDe) accept exactly the same lines.
 */

/** A run of characters that are neither white space nor control characters. */
const TOKEN = String.raw`[^\x00-\x20]+`;
/** The inside of a double-quoted field: no bare quote, no control character; a backslash escapes one character. */
const QUOTED = String.raw`(?:[^"\\\x00-\x1f]|\\[^\x00-\x1f])*`;
/**
 * A request target inside the quoted request line: QUOTED's characters without white space. A backslash right
 * before the space that ends the target stays in it (servers escape neither).
 */
const TARGET = String.raw`(?:[^\s"\\\x00-\x1f]|\\[^\s\x00-\x1f]|\\(?= ))+`;

/** The fields, in order: the raw table's columns, each a named group of the expression. */
export const combinedLogFields = [
  { column: 'client_ip', pattern: TOKEN },
  { column: 'ident', pattern: TOKEN },
  { column: 'remote_user', pattern: TOKEN },
  { column: 'time_local', pattern: String.raw`[^\]\x00-\x1f]+` },
  { column: 'method', pattern: '[A-Za-z]+' },
  { column: 'request_target', pattern: TARGET },
  { column: 'protocol', pattern: String.raw`HTTP/\d+(?:\.\d+)?` },
  { column: 'status', pattern: String.raw`\d{3}` },
  { column: 'bytes_sent', pattern: String.raw`\d+|-` },
  { column: 'referrer', pattern: QUOTED },
  { column: 'user_agent', pattern: QUOTED },
] as const;
export type CombinedLogColumn = (typeof combinedLogFields)[number]['column'];

/** Java group names allow letters and digits only: `client_ip` -> `clientIp`. */
export function groupName(column: string): string {
  return column.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function group(column: CombinedLogColumn): string {
  const f = combinedLogFields.find((x) => x.column === column);
  if (!f) throw new Error(`no combined-log field ${column}`);
  return `(?<${groupName(column)}>${f.pattern})`;
}

/** The whole grammar as one Java regular expression, with one named group per field (in `combinedLogFields` order). */
export const combinedLogRegex = [
  '^',
  `${group('client_ip')} ${group('ident')} ${group('remote_user')} \\[${group('time_local')}\\] `,
  `"(?:${group('method')} ${group('request_target')}(?: ${group('protocol')})?|${QUOTED})" `,
  `${group('status')} ${group('bytes_sent')} "${group('referrer')}" "${group('user_agent')}"`,
  String.raw`\s*\z`,
].join('');
