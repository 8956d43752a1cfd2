import type { StackProps } from 'aws-cdk-lib';
import type { LakeConfig } from '../config/lake-config';
import type { LakeNames } from '../config/lake-names';

export interface LakeStackProps extends StackProps {
  readonly config: LakeConfig;
  readonly names: LakeNames;
}
