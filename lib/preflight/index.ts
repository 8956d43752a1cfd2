export * from './online';
export * from './offline';
export { configFromCdkJson } from './environment';
export { formatResults } from './check-result';
