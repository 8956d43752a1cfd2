/** Shared helpers of the infra tests: one synthesized template per test file, looked at precisely. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { LakeNames } from '../../lib/infra/config/lake-names';
import { DataLakeCatalog } from '../../lib/infra/governance/data-lake-catalog';

export type CfnResource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[] | string;
  DeletionPolicy?: string;
};

/** The context of cdk.json: feature flags and the environments, as `cdk synth` sees them. */
export const cdkContext = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

/** An app with cdk.json's context whose stacks skip asset bundling (fast), unless `bundle`. */
export function testApp(
  opts: { bundle?: boolean; outdir?: string; context?: Record<string, unknown> } = {},
): App {
  return new App({
    outdir: opts.outdir,
    context: { ...cdkContext, ...(opts.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...opts.context },
  });
}

export function testStack(app: App, id = 'Test'): Stack {
  return new Stack(app, id);
}

/** Resources of `type` whose logical id starts with `prefix`. */
export function resourcesOf(template: Template, type: string, prefix = ''): [string, CfnResource][] {
  return Object.entries(template.findResources(type) as Record<string, CfnResource>).filter(([id]) =>
    id.startsWith(prefix),
  );
}

/** Actions of every Allow statement of every IAM policy in the template. */
export function allowedActions(template: Template): string[] {
  const out: string[] = [];
  for (const [, p] of resourcesOf(template, 'AWS::IAM::Policy')) {
    const doc = p.Properties?.PolicyDocument as {
      Statement: { Effect: string; Action: string | string[] }[];
    };
    for (const s of doc.Statement)
      if (s.Effect === 'Allow') out.push(...(Array.isArray(s.Action) ? s.Action : [s.Action]));
  }
  return out;
}

/** A test stack with the three catalogued zone buckets, a key, and the catalog declared over them. */
export function catalogFixture(names: LakeNames): {
  stack: Stack;
  key: Key;
  raw: Bucket;
  processed: Bucket;
  curated: Bucket;
  catalog: DataLakeCatalog;
} {
  const stack = testStack(testApp());
  const [raw, processed, curated] = ['Raw', 'Processed', 'Curated'].map((id) => new Bucket(stack, id)) as [
    Bucket,
    Bucket,
    Bucket,
  ];
  const key = new Key(stack, 'K');
  const catalog = new DataLakeCatalog(stack, 'Catalog', {
    names,
    rawBucket: raw,
    processedBucket: processed,
    curatedBucket: curated,
  });
  return { stack, key, raw, processed, curated, catalog };
}
