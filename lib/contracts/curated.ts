import type { CuratedContract } from './types';

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
  api: { route: 'metrics/daily-sales', maxRangeDays: 366 },
  columns: [
    { name: 'order_date', type: 'date', source: 'derived', description: 'UTC day.' },
    {
      name: 'category',
      type: 'string',
      source: 'derived',
      description: 'Product category.',
      filter: { param: 'category', op: 'eq' },
    },
    {
      name: 'country',
      type: 'string',
      source: 'derived',
      description: 'Shipping country.',
      filter: { param: 'country', op: 'eq' },
    },
    {
      name: 'orders',
      type: 'bigint',
      source: 'derived',
      description: 'Distinct orders with a completed or refunded line.',
    },
    { name: 'units', type: 'bigint', source: 'derived', description: 'Units sold (completed lines).' },
    {
      name: 'revenue_usd',
      type: 'decimal(18,2)',
      source: 'derived',
      description: 'Revenue of completed lines, USD.',
    },
    { name: 'refunds', type: 'bigint', source: 'derived', description: 'Refunded lines.' },
    { name: 'refunded_usd', type: 'decimal(18,2)', source: 'derived', description: 'Amount refunded, USD.' },
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
  api: { route: 'metrics/campaigns', maxRangeDays: 366 },
  columns: [
    {
      name: 'campaign_id',
      type: 'string',
      source: 'derived',
      description: 'Campaign.',
      filter: { param: 'campaign_id', op: 'eq' },
    },
    { name: 'event_date', type: 'date', source: 'derived', description: 'UTC day of the events.' },
    { name: 'impressions', type: 'bigint', source: 'derived', description: 'Impressions.' },
    { name: 'clicks', type: 'bigint', source: 'derived', description: 'Clicks.' },
    {
      name: 'ctr',
      type: 'double',
      source: 'derived',
      description: 'clicks / impressions, null without impressions.',
    },
    { name: 'spend_usd', type: 'decimal(18,4)', source: 'derived', description: 'Cost of all events, USD.' },
    { name: 'conversions', type: 'bigint', source: 'derived', description: 'Conversions.' },
    {
      name: 'revenue_usd',
      type: 'decimal(18,2)',
      source: 'derived',
      description: 'Revenue of the completed transactions the conversions point at, USD.',
    },
    {
      name: 'roas',
      type: 'double',
      source: 'derived',
      description: 'revenue_usd / spend_usd, null without spend.',
    },
    {
      name: 'cpa',
      type: 'double',
      source: 'derived',
      description: 'spend_usd / conversions, null without conversions.',
    },
  ],
};
