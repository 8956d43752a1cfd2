/**
 * What the local engine says when it refuses a statement or cannot run one: what it refused or what went wrong and
 * why, in the lake's words, then DuckDB's own message when DuckDB gave one. Whether a statement runs is decided by
 * DuckDB (its statement type, its file-access settings); these functions only word the answer.
 */

const TABLES = "the lake's tables (processed.<dataset>, curated.<table>; `lake catalog` lists them)";

/** The engine's rule, and the reason of any refusal that has no more specific one. */
export const ONE_READ =
  'the local engine runs one read statement per query, a SELECT (or WITH ... SELECT, VALUES, DESCRIBE, SUMMARIZE, EXPLAIN)';

const CHANGES = `it would change data or the catalog, and the local engine is read-only (the lake's jobs write its tables)`;
const SETTINGS =
  "it would change the engine's settings, which are locked so that a query reads nothing but the lake's tables";

/** Why a statement that is not a read is refused, by the keyword it starts with. */
const notAReadReasons: Readonly<Record<string, string>> = {
  INSTALL:
    'it would install a DuckDB extension, and the local engine installs none (it has the ones built into it: json, parquet, icu and a few more)',
  LOAD: 'it would load a DuckDB extension, and the local engine has only the ones built into it (json, parquet, icu and a few more)',
  ATTACH: `it would open another database, and the local engine reads only ${TABLES}`,
  DETACH: `it would close a database, and the local engine has only ${TABLES}`,
  COPY: `it would write a file or load one into a table, and the local engine writes nothing and reads only ${TABLES}`,
  EXPORT: 'it would write the database to files, and the local engine writes nothing',
  IMPORT: `it would load files into the database, and the local engine reads only ${TABLES}`,
  SET: SETTINGS,
  RESET: SETTINGS,
  PRAGMA: SETTINGS,
  INSERT: CHANGES,
  UPDATE: CHANGES,
  DELETE: CHANGES,
  MERGE: CHANGES,
  TRUNCATE: CHANGES,
  CREATE: CHANGES,
  DROP: CHANGES,
  ALTER: CHANGES,
};

/** The first keyword of a statement, after comments and opening parentheses, in upper case. */
export function leadingKeyword(sql: string): string | undefined {
  const m = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*([A-Za-z]+)(?:\s+([A-Za-z]+))?/.exec(sql);
  const first = m?.[1]?.toUpperCase();
  // FORCE INSTALL is an INSTALL
  return first === 'FORCE' ? m?.[2]?.toUpperCase() : first;
}

/**
 * The statement's name as the user wrote it (`INSTALL`, where DuckDB types INSTALL and LOAD alike as LOAD), or
 * DuckDB's statement type for one that starts with a WITH clause.
 */
export function statementName(sql: string, duckdbType?: string): string | undefined {
  const word = leadingKeyword(sql);
  return word === undefined || word === 'WITH' ? duckdbType : word;
}

function withEngineMessage(text: string, engineMessage?: string): string {
  return engineMessage ? `${text}\nDuckDB: ${engineMessage}` : text;
}

/** `refused <what>: <why>.`, then DuckDB's message when it gave one. */
export function refusal(what: string, why: string, engineMessage?: string): string {
  return withEngineMessage(`refused ${what}: ${why}.`, engineMessage);
}

/** A statement that is not a read (DuckDB's type, or DuckDB could not serialize it as a SELECT). */
export function notAReadRefusal(sql: string, duckdbType?: string, engineMessage?: string): string {
  const name = statementName(sql, duckdbType);
  return refusal(
    name ?? 'a statement that is not a read',
    (name && notAReadReasons[name]) ?? ONE_READ,
    engineMessage,
  );
}

/** DuckDB's file-access refusal (the engine allows exactly the lake tables' data files). */
export function isFileAccessError(engineMessage: string): boolean {
  return /Permission Error|file system operations are disabled/i.test(engineMessage);
}

/** A read that touched a file outside the lake: it is a SELECT, so the answer names the file, not the statement. */
export function fileAccessRefusal(engineMessage: string): string {
  const file = /Cannot access (?:file|directory) "([^"]*)"/.exec(engineMessage)?.[1];
  return refusal(
    `reading ${file !== undefined ? `"${file}"` : 'a file outside the lake'}`,
    `the local engine reads only the data files of ${TABLES}`,
    engineMessage,
  );
}

/** DuckDB's node binding prefixes a parse failure with this; the rest is DuckDB's message. */
const EXTRACT_PREFIX = /^Failed to extract statements:\s*/;

/**
 * A read DuckDB could not run: what is wrong, in the lake's words (from DuckDB's error class and the name it
 * reports), then DuckDB's message (its position marker and suggestions are worth keeping).
 */
export function readFailure(engineMessage: string): string {
  const msg = engineMessage.replace(EXTRACT_PREFIX, '').trim();
  const table = /^Catalog Error: Table with name "?([^"!]+?)"? does not exist/.exec(msg)?.[1];
  const fn = /^Catalog Error: \w+ Function with name "?([^"!]+?)"? does not exist/.exec(msg)?.[1];
  const column =
    /^Binder Error: (?:Referenced column "([^"]+)" not found|.* does not have a column named "([^"]+)")/.exec(
      msg,
    );
  let what: string;
  if (/^Parser Error:/.test(msg)) what = 'not valid SQL: DuckDB could not parse it';
  else if (table !== undefined) what = `no table "${table}": the local engine has ${TABLES}`;
  else if (fn !== undefined)
    what = `no function "${fn}" in the local engine (DuckDB's functions, no extension)`;
  else if (column)
    what = `no column "${column[1] ?? column[2]}" in the tables the query reads (\`lake catalog <dataset>\` lists their columns)`;
  else if (/^Binder Error:/.test(msg))
    what =
      "the query's names and types do not fit together (a function's arguments, a comparison, a GROUP BY)";
  else if (/^Catalog Error:/.test(msg))
    what = `the query names something the local engine does not have: it has ${TABLES}`;
  else if (/^(Conversion|Out of Range|Invalid Input) Error:/.test(msg))
    what = 'a value could not be converted or computed while the query ran';
  else what = 'DuckDB could not run the query';
  return withEngineMessage(`${what}.`, msg);
}
