/** A JSON value, as query results and reports carry it between the engines, the API and the CLI. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
