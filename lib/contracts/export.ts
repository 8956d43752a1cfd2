/** Writes the contracts as JSON for the Spark jobs: `npx tsx lib/contracts/export.ts`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractsDocument } from './index';

export const contractsJsonPath = join(__dirname, '..', '..', 'glue-jobs', 'lake_jobs', 'contracts.json');

export function contractsJson(): string {
  return JSON.stringify(contractsDocument(), null, 2) + '\n';
}

if (require.main === module) {
  writeFileSync(contractsJsonPath, contractsJson());
  console.log(`wrote ${contractsJsonPath}`);
}
