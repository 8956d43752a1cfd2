/** What the version commands (history, diff, tag, rollback) share: a failed version lookup is a message for the user. */
import { IcebergError } from '../local/iceberg';
import { VersionError } from '../versions/model';
import { CliError } from './context';

function forUser(what: string, e: unknown): unknown {
  return e instanceof VersionError || e instanceof IcebergError ? new CliError(`${what}: ${e.message}`) : e;
}

/** Runs `f`; an unknown version, tag or table becomes a CliError that starts with `what`. */
export function versionErrors<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw forUser(what, e);
  }
}

/** The same for an asynchronous lookup. */
export async function versionErrorsAsync<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw forUser(what, e);
  }
}
