/** Generating sample data and landing it from the CLI (`lake generate`, `lake demo`), as two steps people can watch. */
import type { LakeOptions } from '../generate';
import { generateAndLand } from '../local/land';
import type { GenerateOutcome } from '../local/land';
import type { GeneratedLake } from '../generate';
import { formatCount } from './format';
import type { Step, Steps } from './progress';

/** Generates the lake (records generated so far), then lands it (records landed of the total), under `parent`. */
export async function generateWithProgress(
  parent: Steps,
  home: string,
  o: LakeOptions,
  opts: { landDeliveries?: boolean } = {},
): Promise<GenerateOutcome & { lake: GeneratedLake }> {
  const generating = parent.start('generate', { unit: 'records' });
  let generated = 0;
  let landing: Step | undefined;
  try {
    const outcome = await generateAndLand(home, o, {
      landDeliveries: opts.landDeliveries,
      progress: {
        generated(n) {
          generated = n;
          generating.count(n);
        },
        landed(n, total) {
          if (!landing) {
            generating.done(`${formatCount(generated)} records generated`);
            landing = parent.start('land in the raw zone', { unit: 'records', total });
          }
          landing.count(n, total);
        },
      },
    });
    const files = outcome.landed.manifests.reduce((n, m) => n + m.files.length, 0);
    const records = Object.values(outcome.summary.datasets).reduce((n, d) => n + d.records, 0);
    landing?.done(
      `${formatCount(records)} records in ${formatCount(files)} batch file(s) and ${formatCount(outcome.landed.deliveryKeys.length)} delivery file(s)`,
    );
    return outcome;
  } catch (e) {
    generating.fail();
    landing?.fail();
    throw e;
  }
}
