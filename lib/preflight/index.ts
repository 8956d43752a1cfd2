export * from './online';
export * from './offline';
