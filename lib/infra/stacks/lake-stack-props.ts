import type { StackProps } from 'aws-cdk-lib';
import type { EnvironmentConfig } from '../config/environment-config';
import type { LakeNames } from '../config/lake-names';

export interface LakeStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly names: LakeNames;
}
