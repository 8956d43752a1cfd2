import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DataLakeStorage } from '../../lib/infra/storage/data-lake-storage';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LakeBucket } from '../../lib/infra/storage/lake-bucket';
import { LakeZone } from '../../lib/infra/storage/lake-zones';
import { resourcesOf, testApp, testStack } from './helpers';
import type { CfnResource } from './helpers';

let t: Template;
let storage: DataLakeStorage;

beforeAll(() => {
  const app = testApp();
  const stack = testStack(app);
  storage = new DataLakeStorage(stack, 'Lake', { prefix: 'shoplake-t' });
  new DataLakeStorage(stack, 'Scratch', {
    prefix: 'shoplake-s',
    removalPolicy: RemovalPolicy.DESTROY,
    quarantineExpirationDays: 7,
  });
  new LakeBucket(stack, 'Plain');
  const zone = new LakeZone(storage.raw, storage.key);
  const role = (id: string) => new Role(stack, id, { assumedBy: new ServicePrincipal('glue.amazonaws.com') });
  zone.grantRead(role('Reader'));
  zone.grantWrite(role('Writer'), ['a/', 'b/']);
  zone.grantReadWrite(role('Editor'), ['c/']);
  t = Template.fromStack(stack);
});

const lakeBuckets = (): [string, CfnResource][] => resourcesOf(t, 'AWS::S3::Bucket', 'Lake');
const bucket = (part: string): CfnResource => {
  const hit = lakeBuckets().find(([id]) => id.startsWith(`Lake${part}`));
  if (!hit) throw new Error(`no bucket Lake${part}`);
  return hit[1];
};
const rules = (part: string): Record<string, unknown>[] =>
  (bucket(part).Properties?.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules ?? [];

describe('DataLakeStorage', () => {
  test('one customer-managed key per storage, rotated, retained by default', () => {
    resourcesOf(t, 'AWS::KMS::Key', 'Lake').forEach(([, k]) => {
      expect(k.Properties?.EnableKeyRotation).toBe(true);
      expect(k.DeletionPolicy).toBe('Retain');
    });
    expect(resourcesOf(t, 'AWS::KMS::Key', 'Lake')).toHaveLength(1);
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/shoplake-t-lake' });
  });

  test('six buckets: raw, processed, curated, quarantine, athena results, access logs', () => {
    expect(
      lakeBuckets()
        .map(([id]) => id.replace(/[A-F0-9]{8}$/, ''))
        .sort(),
    ).toEqual(
      [
        'LakeAccessLogs',
        'LakeAthenaResults',
        'LakeCurated',
        'LakeProcessed',
        'LakeQuarantine',
        'LakeRaw',
      ].sort(),
    );
  });

  test.each(['Raw', 'Processed', 'Curated', 'Quarantine', 'AthenaResults'])(
    '%s: SSE-KMS with bucket key, versioned, private, logged',
    (part) => {
      const p = bucket(part).Properties ?? {};
      expect(p.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: expect.anything() },
          },
        ],
      });
      expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(p.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(p.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: expect.stringMatching(/^LakeAccessLogs/) },
        LogFilePrefix: `${part}/`,
      });
      expect(bucket(part).DeletionPolicy).toBe('Retain');
    },
  );

  test('the access-log bucket uses SSE-S3 (server access logging cannot write to SSE-KMS buckets)', () => {
    expect(bucket('AccessLogs').Properties?.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  test('every bucket denies requests without TLS', () => {
    const policies = resourcesOf(t, 'AWS::S3::BucketPolicy', 'Lake');
    expect(policies).toHaveLength(6);
    for (const [, p] of policies) {
      expect(p.Properties?.PolicyDocument).toMatchObject({
        Statement: expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      });
    }
  });

  test('lifecycle defaults: raw to IA at 30 d and Glacier IR at 180 d; quarantine 90 d, results 30 d, logs 365 d; old versions 90 d', () => {
    expect(rules('Raw')).toContainEqual(
      expect.objectContaining({
        Transitions: [
          { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
          { StorageClass: 'GLACIER_IR', TransitionInDays: 180 },
        ],
      }),
    );
    expect(rules('Quarantine')).toContainEqual(expect.objectContaining({ ExpirationInDays: 90 }));
    expect(rules('AthenaResults')).toContainEqual(expect.objectContaining({ ExpirationInDays: 30 }));
    expect(rules('AccessLogs')).toContainEqual(expect.objectContaining({ ExpirationInDays: 365 }));
    for (const part of ['Raw', 'Processed', 'Curated', 'Quarantine', 'AthenaResults', 'AccessLogs']) {
      expect(rules(part)).toContainEqual(
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } }),
      );
    }
  });

  test('bucket names derive from the prefix, account and region', () => {
    expect(JSON.stringify(bucket('Raw').Properties?.BucketName)).toContain('shoplake-t-raw-');
    expect(JSON.stringify(bucket('AthenaResults').Properties?.BucketName)).toContain('shoplake-t-results-');
  });

  test('DESTROY only when asked: buckets auto-emptied, key deleted', () => {
    const scratch = resourcesOf(t, 'AWS::S3::Bucket', 'Scratch');
    expect(scratch.length).toBe(6);
    scratch.forEach(([, b]) => expect(b.DeletionPolicy).toBe('Delete'));
    expect(resourcesOf(t, 'Custom::S3AutoDeleteObjects', 'Scratch')).toHaveLength(6);
    expect(resourcesOf(t, 'Custom::S3AutoDeleteObjects', 'Lake')).toHaveLength(0);
    const q = scratch.find(([id]) => id.startsWith('ScratchQuarantine'))?.[1];
    expect((q?.Properties?.LifecycleConfiguration as { Rules: unknown[] }).Rules).toContainEqual(
      expect.objectContaining({ ExpirationInDays: 7 }),
    );
  });

  test('the key lets CloudWatch Logs of this account use it (Glue job log encryption)', () => {
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'CloudWatchLogsOfThisAccount', Effect: 'Allow' }),
        ]),
      }),
    });
  });

  test('exposes its resources', () => {
    expect(storage.dataBuckets).toHaveLength(5);
  });
});

describe('LakeBucket defaults', () => {
  test('SSE-S3 without a key, RETAIN, no access logs, versioned, TLS only', () => {
    const [, plain] = resourcesOf(t, 'AWS::S3::Bucket', 'Plain')[0] ?? [];
    expect(plain?.DeletionPolicy).toBe('Retain');
    expect(plain?.Properties?.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(plain?.Properties?.LoggingConfiguration).toBeUndefined();
    expect(plain?.Properties?.BucketName).toBeUndefined();
    expect(plain?.Properties?.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(resourcesOf(t, 'AWS::S3::BucketPolicy', 'Plain')).toHaveLength(1);
  });
});

describe('LakeZone grants', () => {
  type Statement = { Action: string | string[]; Resource: unknown };
  const statements = (role: string): Statement[] => {
    const hits = resourcesOf(t, 'AWS::IAM::Policy', `${role}DefaultPolicy`);
    expect(hits).toHaveLength(1);
    const doc = (hits[0] as [string, CfnResource])[1].Properties?.PolicyDocument as {
      Statement: Statement[];
    };
    return doc.Statement;
  };
  const actions = (role: string): string[] =>
    statements(role).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
  /** The prefixes of the object ARNs (`.../raw-bucket/<prefix>/*` -> `<prefix>`, the whole bucket -> ''). */
  const objectPrefixes = (role: string): string[] =>
    [...JSON.stringify(statements(role)).matchAll(/"\/(?:([a-z]+)\/)?\*"/g)].map((m) => m[1] ?? '');

  test('read: listing, explicit object reads of the whole bucket, decrypt only', () => {
    expect(actions('Reader').sort()).toEqual(
      [
        's3:ListBucket',
        's3:GetBucketLocation',
        's3:ListBucketMultipartUploads',
        's3:GetObject',
        's3:GetObjectVersion',
        'kms:Decrypt',
        'kms:DescribeKey',
      ].sort(),
    );
    expect(objectPrefixes('Reader')).toEqual(['']);
  });

  test('write: puts under each prefix, no read or delete, encrypts with the key', () => {
    const a = actions('Writer');
    expect(a).toEqual(
      expect.arrayContaining(['s3:PutObject', 's3:AbortMultipartUpload', 'kms:GenerateDataKey']),
    );
    expect(a).not.toContain('s3:GetObject');
    expect(a).not.toContain('s3:DeleteObject');
    expect(objectPrefixes('Writer').sort()).toEqual(['a', 'b']);
  });

  test('read-write: get, put and delete under the prefix; no action wildcard anywhere', () => {
    const a = actions('Editor');
    expect(a).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 'kms:Decrypt']),
    );
    expect(objectPrefixes('Editor')).toEqual(['c']);
    for (const r of ['Reader', 'Writer', 'Editor'])
      expect(actions(r).some((x) => x.includes('*'))).toBe(false);
  });
});
