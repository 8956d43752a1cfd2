/**
 * cdk-nag v3 acknowledgments: each names ONE finding (rule id, with the finding in brackets for IAM rules) on
 * ONE construct, with a reason specific to that resource. Kept beside the construct that causes the finding.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * How cdk-nag spells a resource (ARN with tokens) in IAM5 finding ids, e.g.
 * `arn:<AWS::Partition>:s3:::shoplake-dev-raw-<AWS::AccountId>-<AWS::Region>/*`. Only for values without
 * cross-stack references (those resolve differently before and after synthesis).
 */
export function nagResource(scope: IConstruct, value: string): string {
  return flattenCfnReference(Stack.of(scope).resolve(value));
}

/** IAM5 finding id of a wildcard resource. */
export function iam5(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${nagResource(scope, resource)}]`;
}
