/**
 * jest globalSetup: builds the shared fixture lake once per input hash (see fixture-lake.ts). A failed build does
 * not stop the suite: the tests that need the lake fail with the build's error, the others run.
 */
import { ensureFixtureLake, fixtureEnv, fixtureKey } from './fixture-lake';

export default function globalSetup(): void {
  // LAKE_TEST_FIXTURE_KEY=<key> pins an existing build (to iterate on tests while the jobs' code changes)
  const key = process.env[fixtureEnv] ?? fixtureKey();
  // the workers inherit the environment: they read this build even if the inputs change during the run
  process.env[fixtureEnv] = key;
  // tests run jobs on a new Spark process unless they test the resident one: nothing stays running after them
  process.env.LAKE_SPARK_WARM ??= '0';
  try {
    ensureFixtureLake((line) => process.stderr.write(`\n[fixture] ${line}`), key);
  } catch (e) {
    process.stderr.write(
      `\n[fixture] the fixture lake could not be built: ${(e as Error).message.slice(0, 2000)}\n`,
    );
  }
}
