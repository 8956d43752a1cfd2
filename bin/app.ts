#!/usr/bin/env node
/**
 * The CDK app: every stack of one environment. `npx cdk synth -c env=prod` (default `dev`); environments and
 * their settings live in cdk.json under `lake:environments` (lib/infra/config/environment-config.ts documents each key).
 */
import { App } from 'aws-cdk-lib';
import { environmentConfigFromContext } from '../lib/infra/config/environment-config';
import { buildLakeApp } from '../lib/infra/lake-app';

const app = new App();
buildLakeApp(app, environmentConfigFromContext(app.node));
app.synth();
