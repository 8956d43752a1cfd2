/**
 * The layering of the repository (contracts at the bottom, adapters at the edge), checked in CI rather than by hope
 * (`npm run depcheck`).
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules form a DAG: a cycle means two modules own one concept.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lambdas-never-import-cdk',
      severity: 'error',
      comment: 'Lambda code is bundled on its own; CDK belongs to lib/infra.',
      from: { path: '^lambdas/' },
      to: { path: ['node_modules/aws-cdk-lib', 'node_modules/constructs', '^lib/infra/', '^lib/cli/'] },
    },
    {
      name: 'contracts-are-pure',
      severity: 'error',
      comment: 'Contracts are declarations: every other part asks them, they ask nothing.',
      from: { path: '^lib/(contracts|governance)/' },
      to: { path: '^(lib/(?!contracts|governance)|lambdas/|bin/)' },
    },
    {
      name: 'versions-model-is-pure',
      comment:
        'What a version point means and how a history reads are shared by the CLI, the local engine and the Lambda: they ask the contracts only, never an engine or a file system.',
      severity: 'error',
      from: { path: '^lib/versions/' },
      to: { path: ['^(lib/(?!contracts/|versions/)|lambdas/|bin/)', '^node:', 'node_modules/'] },
    },
    {
      name: 'runtime-does-not-import-infra',
      severity: 'error',
      comment: 'The local runtime, the stream and the API run without CDK.',
      from: { path: '^lib/(local|stream|serve|generate|bench)/' },
      to: { path: ['^lib/infra/', 'node_modules/aws-cdk-lib', 'node_modules/constructs'] },
    },
    {
      name: 'generator-is-pure',
      severity: 'error',
      comment: "The generator makes data; landing it is the local runtime's job.",
      from: { path: '^lib/generate/' },
      to: { path: '^lib/(local|stream|serve|cli|infra|bench)/' },
    },
    {
      name: 'dashboard-page-is-an-api-client',
      severity: 'error',
      comment:
        'The dashboard runs in a browser and takes every figure from the public API: it imports its charting library and its own modules, nothing of the lake.',
      from: { path: '^lib/dashboard/page/' },
      to: { pathNot: ['^lib/dashboard/page/', 'node_modules/(echarts|zrender|tslib)/'] },
    },
    {
      name: 'metadata-read-models-stay-out-of-the-edges',
      severity: 'error',
      comment:
        'Search, lineage and status are read models over contracts, reports and events: the API and the CLI use them, never the reverse, and they need no CDK.',
      from: { path: '^lib/(catalog-search|lineage|status)/' },
      to: {
        path: [
          '^lib/(infra|cli|serve|bench)/',
          '^lambdas/',
          'node_modules/aws-cdk-lib',
          'node_modules/constructs',
        ],
      },
    },
    {
      name: 'only-bin-imports-the-cli',
      severity: 'error',
      comment:
        "The CLI is an edge: it parses arguments and prints. What it runs lives in the layers below, which never import it (the CLI's own unit tests do).",
      from: { pathNot: '^(bin|lib/cli|test/cli)/' },
      to: { path: '^lib/cli/' },
    },
    {
      name: 'cli-commands-are-independent',
      severity: 'error',
      comment:
        'A command does not reach into another command: what two commands share lives beside lib/cli/main.ts or in a lower layer.',
      from: { path: '^lib/cli/commands/([^/]+)$' },
      to: { path: '^lib/cli/commands/', pathNot: '^lib/cli/commands/$1$' },
    },
    {
      name: 'cli-shared-modules-do-not-import-commands',
      severity: 'error',
      comment: 'Only main.ts registers the commands; the modules the commands share stay below them.',
      from: { path: '^lib/cli/', pathNot: '^lib/cli/(main\\.ts|commands/)' },
      to: { path: '^lib/cli/commands/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['^cdk.out', '^\\.lake', '^glue-jobs'] },
  },
};
