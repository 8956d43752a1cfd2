#!/usr/bin/env node
// The `lake` CLI entry: registers the TypeScript loader, then runs the CLI.
require('tsx/cjs');
require('../lib/cli/main.ts');
