import { lineageColumns } from './lineage';
import { currencies, iso3166Alpha2 } from './reference';
import type { DatasetContract } from './types';

export const adEvents: DatasetContract = {
  name: 'ad_events',
  database: 'processed',
  description:
    'Ad-campaign events (impressions, clicks, conversions) from the real-time stream, deduplicated on event_id.',
  owner: 'marketing-data',
  raw: { format: 'ndjson_gzip', prefix: 'ad_events/', errorPrefix: 'ad_events_errors/' },
  businessKey: ['event_id'],
  timeColumn: 'event_time',
  retentionDays: 730,
  freshnessObjectiveMinutes: 30,
  api: { route: 'ad-events', maxRangeDays: 31 },
  columns: [
    {
      name: 'event_id',
      type: 'string',
      source: 'raw',
      description: 'Unique id of the event (producers may send it more than once).',
      rules: { required: true, maxLength: 64 },
    },
    {
      name: 'event_type',
      type: 'string',
      source: 'raw',
      description: '`impression`, `click` or `conversion`.',
      // drives the logic (a conversion needs its order; campaign figures count each type): an unknown type is
      // not a good record
      rules: { required: true, allowed: ['impression', 'click', 'conversion'], allowedSeverity: 'critical' },
      filter: { param: 'event_type', op: 'eq' },
    },
    {
      name: 'campaign_id',
      type: 'string',
      source: 'raw',
      description: 'Campaign.',
      rules: { required: true },
      filter: { param: 'campaign_id', op: 'eq' },
    },
    {
      name: 'ad_id',
      type: 'string',
      source: 'raw',
      description: 'Ad creative within the campaign.',
      rules: { required: true },
    },
    {
      name: 'channel',
      type: 'string',
      source: 'raw',
      description: 'Where the ad ran.',
      rules: {
        required: true,
        allowed: ['search', 'social', 'display', 'email', 'video', 'native', 'affiliate', 'audio', 'ctv', 'sms'],
      },
      filter: { param: 'channel', op: 'eq' },
    },
    {
      name: 'customer_id',
      type: 'string',
      source: 'raw',
      description: 'Known customer, null when anonymous.',
      filter: { param: 'customer_id', op: 'eq' },
    },
    {
      name: 'order_id',
      type: 'string',
      source: 'raw',
      description: 'Order a conversion led to (joins processed.transactions).',
      rules: { requiredWhen: { column: 'event_type', equals: 'conversion' } },
    },
    {
      name: 'cost',
      type: 'decimal(18,4)',
      source: 'raw',
      description: 'What the event cost, in `currency`.',
      rules: { required: true, min: 0, max: 10000 },
    },
    {
      name: 'currency',
      type: 'string',
      source: 'raw',
      description: 'ISO 4217 currency of cost and revenue.',
      // cost_usd needs the currency's rate (reference fxRates): a currency without one cannot be converted
      rules: { required: true, allowed: currencies, allowedSeverity: 'critical' },
    },
    {
      name: 'revenue',
      type: 'decimal(18,2)',
      source: 'raw',
      description: 'Revenue the ad platform reports for a conversion, in `currency`.',
      rules: { min: 0 },
    },
    {
      name: 'event_time',
      type: 'timestamp',
      source: 'raw',
      description: 'When the event happened (UTC); late events land in their own day.',
      rules: { required: true },
    },
    {
      name: 'device',
      type: 'string',
      source: 'raw',
      description: 'Device class.',
      rules: { allowed: ['desktop', 'mobile', 'tablet', 'ctv', 'console', 'wearable', 'other'] },
    },
    {
      name: 'country',
      type: 'string',
      source: 'raw',
      description: 'ISO 3166-1 alpha-2 country.',
      rules: { allowed: iso3166Alpha2 },
      filter: { param: 'country', op: 'eq' },
    },
    {
      name: 'cost_usd',
      type: 'decimal(18,4)',
      source: 'derived',
      description: 'cost in the reporting currency (USD).',
    },
    {
      name: 'revenue_usd',
      type: 'decimal(18,2)',
      source: 'derived',
      description: 'revenue in the reporting currency (USD).',
    },
    { name: 'event_date', type: 'date', source: 'derived', description: 'UTC day of event_time.' },
    ...lineageColumns,
  ],
};
