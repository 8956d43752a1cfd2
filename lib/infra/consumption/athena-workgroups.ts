import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { Construct } from 'constructs';
import { ATHENA_WORKGROUPS_DEFAULTS } from './athena-workgroups-props';
import type { AthenaWorkgroupsProps, WorkgroupName } from './athena-workgroups-props';

export const WORKGROUPS: readonly WorkgroupName[] = ['api', 'analysts', 'bi'];

/**
 * Athena workgroups `api`, `analysts` and `bi`: engine v3, configuration enforced (clients cannot point results
 * elsewhere or switch encryption off), results SSE-KMS under `<workgroup>/` of the results bucket, a bytes-scanned
 * cutoff per query, CloudWatch metrics on.
 */
export class AthenaWorkgroups extends Construct {
  public readonly workgroups: Readonly<Record<WorkgroupName, CfnWorkGroup>>;

  constructor(scope: Construct, id: string, props: AthenaWorkgroupsProps) {
    super(scope, id);
    const cutoff =
      (props.bytesScannedCutoffMiB ?? ATHENA_WORKGROUPS_DEFAULTS.bytesScannedCutoffMiB) * 1024 * 1024;
    const descriptions: Record<WorkgroupName, string> = {
      api: 'Queries of the lake API (per-caller data roles).',
      analysts: 'Analysts in the Athena console.',
      bi: 'BI tools (QuickSight, Tableau) on curated tables.',
    };
    const make = (wg: WorkgroupName): CfnWorkGroup =>
      new CfnWorkGroup(this, wg, {
        name: props.names.workgroup(wg),
        description: descriptions[wg],
        state: 'ENABLED',
        recursiveDeleteOption: props.recursiveDelete ?? false,
        workGroupConfiguration: {
          engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
          enforceWorkGroupConfiguration: true,
          publishCloudWatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: cutoff,
          requesterPaysEnabled: false,
          resultConfiguration: {
            outputLocation: `s3://${props.resultsBucket.bucketName}/${wg}/`,
            encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
          },
        },
      });
    this.workgroups = { api: make('api'), analysts: make('analysts'), bi: make('bi') };
  }
}
