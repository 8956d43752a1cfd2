import type { Command } from 'commander';
import { datasets, isDatasetName } from '../../contracts';
import { IngestError, ingestPaths } from '../../local/ingest';
import type { IngestManifest } from '../../local/ingest';
import { CliError } from '../context';
import type { CliContext } from '../context';
import { formatBytes } from '../format';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('ingest')
    .description(
      'Land files in the raw zone, unchanged, under a new ingest batch id; prints the ingest manifest.',
    )
    .argument('<dataset>', `dataset the files belong to (${datasets.map((d) => d.name).join(', ')})`)
    .argument(
      '<paths...>',
      'files or directories (directories are read recursively; hidden files are skipped)',
    )
    .option('--json', 'print the manifest as JSON')
    .action(async (dataset: string, paths: string[], opts: { json?: boolean }) => {
      if (!isDatasetName(dataset))
        throw new CliError(`unknown dataset '${dataset}' (known: ${datasets.map((d) => d.name).join(', ')})`);
      let manifest: IngestManifest;
      try {
        manifest = await ingestPaths(ctx.home(), dataset, paths);
      } catch (e) {
        if (e instanceof IngestError) throw new CliError(`ingest: ${e.message}`);
        throw e;
      }
      for (const w of manifest.warnings) ctx.warn(w);
      if (opts.json) ctx.out(JSON.stringify(manifest, null, 2));
      else ctx.out(describeManifest(manifest, ctx.layout().raw));
    });
}

export function describeManifest(m: IngestManifest, rawDir: string): string {
  const lines = [
    `batch ${m.batch_id}: ${m.files.length} file(s), ${formatBytes(m.total_bytes)} landed for ${m.dataset} on ${m.ingest_date}`,
  ];
  for (const f of m.files)
    lines.push(`  ${f.key}  ${formatBytes(f.bytes)}  sha256:${f.sha256.slice(0, 16)}…`);
  lines.push(`raw zone: ${rawDir}`);
  lines.push(`manifest: state/ingest/${m.batch_id}.json`);
  return lines.join('\n');
}
