/**
 * jest globalSetup: builds the shared fixture lake once per input hash (see fixture-lake.ts). A failed build does
 * not stop the suite: the tests that need the lake fail with the build's error, the others run.
 */
import { ensureFixtureLake } from './fixture-lake';

export default function globalSetup(): void {
  try {
    ensureFixtureLake((line) => process.stderr.write(`\n[fixture] ${line}`));
  } catch (e) {
    process.stderr.write(
      `\n[fixture] the fixture lake could not be built: ${(e as Error).message.slice(0, 2000)}\n`,
    );
  }
}
