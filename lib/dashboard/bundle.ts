/**
 * Builds the dashboard page (lib/dashboard/page: TypeScript + DOM, tree-shaken Apache ECharts) with the
 * project's esbuild into .tools/dashboard/, where `lake serve` serves it from. Built, not committed: the bundle
 * follows the page sources and the pinned ECharts, and a stamp of both makes a second call cost milliseconds.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../setup/toolchain';

export const pageDir = join(__dirname, 'page');
export const dashboardDir = join(repoRoot, '.tools', 'dashboard');

/** The files `lake serve` serves, by URL path. */
export const dashboardFiles = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/assets/dashboard.js': 'dashboard.js',
  '/assets/dashboard.css': 'dashboard.css',
} as const;

export interface DashboardBundle {
  readonly dir: string;
  /** bytes of the page's script, its minified stylesheet and HTML */
  readonly bytes: { readonly js: number; readonly css: number; readonly html: number };
  readonly built: boolean;
}

function packageVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function stampOf(): string {
  const h = createHash('sha256').update(
    `echarts ${packageVersion('echarts')} esbuild ${packageVersion('esbuild')}`,
  );
  for (const f of readdirSync(pageDir).sort()) {
    h.update(f);
    h.update(readFileSync(join(pageDir, f)));
  }
  return h.digest('hex');
}

function sizes(dir: string): DashboardBundle['bytes'] {
  const size = (f: string): number => statSync(join(dir, f)).size;
  return { js: size('dashboard.js'), css: size('dashboard.css'), html: size('index.html') };
}

/** The built page, building it first when its sources or ECharts changed. Safe to call from parallel processes. */
export async function ensureDashboard(
  log: (line: string) => void = () => undefined,
): Promise<DashboardBundle> {
  const stamp = stampOf();
  const stampFile = join(dashboardDir, '.stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp)
    return { dir: dashboardDir, bytes: sizes(dashboardDir), built: false };
  log('building the dashboard page (esbuild, ECharts)');
  // esbuild is a build tool: loaded only when the page has to be built
  const esbuild = await import('esbuild');
  const tmp = `${dashboardDir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await esbuild.build({
      entryPoints: [join(pageDir, 'main.ts')],
      outfile: join(tmp, 'dashboard.js'),
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2020',
      platform: 'browser',
      legalComments: 'eof',
      tsconfig: join(pageDir, 'tsconfig.json'),
      logLevel: 'silent',
    });
    await esbuild.build({
      entryPoints: [join(pageDir, 'style.css')],
      outfile: join(tmp, 'dashboard.css'),
      bundle: true,
      minify: true,
      logLevel: 'silent',
    });
    writeFileSync(join(tmp, 'index.html'), readFileSync(join(pageDir, 'index.html')));
    writeFileSync(join(tmp, '.stamp'), stamp);
    rmSync(dashboardDir, { recursive: true, force: true });
    try {
      renameSync(tmp, dashboardDir);
    } catch (e) {
      // a parallel build finished first: its result is the same
      if (!existsSync(join(dashboardDir, '.stamp'))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const bytes = sizes(dashboardDir);
  log(
    `dashboard page built: ${(bytes.js / 1024).toFixed(0)} KiB script, ${(bytes.css / 1024).toFixed(1)} KiB style`,
  );
  return { dir: dashboardDir, bytes, built: true };
}
