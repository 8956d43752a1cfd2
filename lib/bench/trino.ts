/**
 * Bench section `trino`: what the API's SQL type check on a real Trino costs (test/api/trino-types.test.ts runs
 * it): the install's size, the server's start-up with only the memory connector, and the analysis of every route
 * statement the check sends.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTrino } from '../setup/toolchain';
import { answerTypes, declareTables, routeStatements, validateStatements } from '../trino/route-check';
import { startTrino } from '../trino/server';
import { queryRoutes } from '../../lambdas/api/routes';
import type { BenchSection } from './bench';

function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
    const p = join(dir, e.name);
    return n + (e.isDirectory() ? bytesUnder(p) : statSync(p).size);
  }, 0);
}

export const trinoSection: BenchSection = {
  name: 'trino',
  title: "Trino: the API's SQL checked against Athena's engine",
  run: async (b) => {
    let t0 = performance.now();
    const install = ensureTrino(b.log);
    b.figure({
      label: 'install (skipped when present)',
      value: (performance.now() - t0) / 1000,
      unit: 's',
      note: `Trino ${install.version}: ${(bytesUnder(install.home) / 2 ** 20).toFixed(0)} MiB on disk`,
    });
    const trino = await startTrino({ install });
    try {
      b.figure({ label: 'start-up, memory connector only', value: trino.startupMs / 1000, unit: 's' });
      await declareTables(trino);
      const statements = routeStatements();
      t0 = performance.now();
      const failures = await validateStatements(trino, statements);
      const ms = performance.now() - t0;
      b.figure({
        label: 'statements analysed',
        value: ms / 1000,
        unit: 's',
        note: `${statements.length} statements, ${(ms / statements.length).toFixed(0)} ms each, ${failures.length} refused`,
      });
      t0 = performance.now();
      for (const r of queryRoutes) await answerTypes(trino, r);
      b.figure({
        label: 'answer types, one run per route',
        value: (performance.now() - t0) / 1000,
        unit: 's',
        note: `${queryRoutes.length} routes`,
      });
    } finally {
      await trino.stop();
    }
  },
};
