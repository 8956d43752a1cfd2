/** The seeded sample-data generator: pure functions, the same seed gives byte-identical output. */
export { generateLake, generatePeopleAndOrders, generateDefaults } from './lake';
export type { LakeOptions, GeneratedLake, GeneratedFile, DeliveryFile } from './lake';
export {
  generateAdEvents,
  adEventPayloads,
  campaigns,
  isAttributed,
  adEventTypes,
  adChannels,
} from './ad-events';
export type { AdEvent, AdEventPayload, GenerateAdEventsOptions, Campaign } from './ad-events';
export { writeTransactionsCsv, transactionRowsCsv } from './bulk';
export type { BulkCsvOptions, BulkCsvResult } from './bulk';
export { transactionHeader, transactionColumns } from './transactions';
export type { Order, OrderLine } from './transactions';
export type { Customer } from './population';
export { malformedKinds, expectedQuarantineReasons, malformedTotal } from './summary';
export type { LakeSummary, DatasetSummary } from './summary';
export { Rng } from './prng';
