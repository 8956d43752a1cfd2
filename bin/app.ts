#!/usr/bin/env node
/**
 * The CDK app: every stack of one environment. `npx cdk synth -c env=prod` (default `dev`); environments and
 * their settings live in cdk.json under `lake:environments` (lib/infra/config/lake-config.ts documents each key).
 */
import { App } from 'aws-cdk-lib';
import { lakeConfigFromContext } from '../lib/infra/config/lake-config';
import { buildLakeApp } from '../lib/infra/lake-app';

const app = new App();
buildLakeApp(app, lakeConfigFromContext(app.node));
app.synth();
