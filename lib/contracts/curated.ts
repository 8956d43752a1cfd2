import type { CuratedContract } from './types';

/** Columns that pick, group or join the rows behind an aggregate (INDIRECT lineage). */
const salesRows = [
  'transactions.status',
  'transactions.order_date',
  'transactions.category',
  'transactions.country',
];
const campaignRows = ['ad_events.event_type', 'ad_events.campaign_id', 'ad_events.event_date'];
const attributedRows = [
  'ad_events.event_type',
  'ad_events.campaign_id',
  'ad_events.event_date',
  'ad_events.order_id',
  'ad_events.event_time',
  'transactions.order_id',
  'transactions.status',
];

export const dailySales: CuratedContract = {
  name: 'daily_sales',
  database: 'curated',
  description:
    'Sales per UTC day, category and country, in the reporting currency (USD). Recomputed for the days a run touches.',
  owner: 'commerce-data',
  inputs: ['transactions'],
  businessKey: ['order_date', 'category', 'country'],
  timeColumn: 'order_date',
  retentionDays: 3650,
  freshnessObjectiveMinutes: 27 * 60,
  api: { route: 'metrics/daily-sales', maxRangeDays: 366 },
  columns: [
    {
      name: 'order_date',
      type: 'date',
      source: 'derived',
      description: 'UTC day.',
      derivedFrom: { from: ['transactions.order_date'], how: 'identity' },
    },
    {
      name: 'category',
      type: 'string',
      source: 'derived',
      description: 'Product category.',
      filter: { param: 'category', op: 'eq' },
      derivedFrom: { from: ['transactions.category'], how: 'identity' },
    },
    {
      name: 'country',
      type: 'string',
      source: 'derived',
      description: 'Shipping country.',
      filter: { param: 'country', op: 'eq' },
      derivedFrom: { from: ['transactions.country'], how: 'identity' },
    },
    {
      name: 'orders',
      type: 'bigint',
      source: 'derived',
      description: 'Distinct orders with a completed or refunded line.',
      derivedFrom: {
        from: ['transactions.order_id'],
        how: 'aggregation',
        filteredBy: salesRows,
      },
    },
    {
      name: 'units',
      type: 'bigint',
      source: 'derived',
      description: 'Units sold (completed lines).',
      derivedFrom: {
        from: ['transactions.quantity'],
        how: 'aggregation',
        filteredBy: salesRows,
      },
    },
    {
      name: 'revenue_usd',
      type: 'decimal(18,2)',
      source: 'derived',
      description: 'Revenue of completed lines, USD.',
      derivedFrom: {
        from: ['transactions.amount_usd'],
        how: 'aggregation',
        filteredBy: salesRows,
      },
    },
    {
      name: 'refunds',
      type: 'bigint',
      source: 'derived',
      description: 'Refunded lines.',
      derivedFrom: {
        from: ['transactions.transaction_id'],
        how: 'aggregation',
        filteredBy: salesRows,
      },
    },
    {
      name: 'refunded_usd',
      type: 'decimal(18,2)',
      source: 'derived',
      description: 'Amount refunded, USD.',
      derivedFrom: {
        from: ['transactions.amount_usd'],
        how: 'aggregation',
        filteredBy: salesRows,
      },
    },
  ],
};

export const campaignPerformance: CuratedContract = {
  name: 'campaign_performance',
  database: 'curated',
  description:
    'Ad campaign performance per campaign and UTC day; revenue attributed by joining conversions to transactions on order_id.',
  owner: 'marketing-data',
  inputs: ['ad_events', 'transactions'],
  businessKey: ['campaign_id', 'event_date'],
  timeColumn: 'event_date',
  retentionDays: 730,
  freshnessObjectiveMinutes: 60,
  api: { route: 'metrics/campaigns', maxRangeDays: 366 },
  columns: [
    {
      name: 'campaign_id',
      type: 'string',
      source: 'derived',
      description: 'Campaign.',
      filter: { param: 'campaign_id', op: 'eq' },
      derivedFrom: { from: ['ad_events.campaign_id'], how: 'identity' },
    },
    {
      name: 'event_date',
      type: 'date',
      source: 'derived',
      description: 'UTC day of the events.',
      derivedFrom: { from: ['ad_events.event_date'], how: 'identity' },
    },
    {
      name: 'impressions',
      type: 'bigint',
      source: 'derived',
      description: 'Impressions.',
      derivedFrom: {
        from: ['ad_events.event_id'],
        how: 'aggregation',
        filteredBy: campaignRows,
      },
    },
    {
      name: 'clicks',
      type: 'bigint',
      source: 'derived',
      description: 'Clicks.',
      derivedFrom: {
        from: ['ad_events.event_id'],
        how: 'aggregation',
        filteredBy: campaignRows,
      },
    },
    {
      name: 'ctr',
      type: 'double',
      source: 'derived',
      description: 'clicks / impressions, null without impressions.',
      derivedFrom: {
        from: ['ad_events.event_id'],
        how: 'aggregation',
        filteredBy: campaignRows,
      },
    },
    {
      name: 'spend_usd',
      type: 'decimal(18,4)',
      source: 'derived',
      description: 'Cost of all events, USD.',
      derivedFrom: {
        from: ['ad_events.cost_usd'],
        how: 'aggregation',
        filteredBy: campaignRows,
      },
    },
    {
      name: 'conversions',
      type: 'bigint',
      source: 'derived',
      description: 'Conversions.',
      derivedFrom: {
        from: ['ad_events.event_id'],
        how: 'aggregation',
        filteredBy: campaignRows,
      },
    },
    {
      name: 'revenue_usd',
      type: 'decimal(18,2)',
      source: 'derived',
      description: 'Revenue of the completed transactions the conversions point at, USD.',
      derivedFrom: {
        from: ['transactions.amount_usd'],
        how: 'aggregation',
        filteredBy: attributedRows,
      },
    },
    {
      name: 'roas',
      type: 'double',
      source: 'derived',
      description: 'revenue_usd / spend_usd, null without spend.',
      derivedFrom: {
        from: ['transactions.amount_usd', 'ad_events.cost_usd'],
        how: 'aggregation',
        filteredBy: attributedRows,
      },
    },
    {
      name: 'cpa',
      type: 'double',
      source: 'derived',
      description: 'spend_usd / conversions, null without conversions.',
      derivedFrom: {
        from: ['ad_events.cost_usd', 'ad_events.event_id'],
        how: 'aggregation',
        filteredBy: campaignRows,
      },
    },
  ],
};
