#!/usr/bin/env node
// The `lake` CLI entry: registers the TypeScript loader, then runs the CLI.

// npm and npx start the CLI under `sh -c` and do not pass their signals on: after `npx lake serve &` and
// `kill $!`, npm ends and this process is left orphaned. Noticing the new parent, it stops as a SIGTERM would stop it.
if (process.env.npm_command) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 250).unref();
}

require('tsx/cjs');
require('../lib/cli/main.ts');
