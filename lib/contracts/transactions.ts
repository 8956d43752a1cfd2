import { lineageColumns } from './lineage';
import { currencies, iso3166Alpha2 } from './reference';
import type { DatasetContract } from './types';

export const transactions: DatasetContract = {
  name: 'transactions',
  database: 'processed',
  description:
    "Order lines from the shop's order database (CSV exports), one row per transaction, amounts converted to the reporting currency.",
  owner: 'commerce-data',
  raw: { format: 'csv', prefix: 'transactions/' },
  businessKey: ['transaction_id'],
  timeColumn: 'created_at',
  retentionDays: 3650,
  freshnessObjectiveMinutes: 26 * 60,
  api: { route: 'transactions', maxRangeDays: 92 },
  columns: [
    {
      name: 'transaction_id',
      type: 'string',
      source: 'raw',
      description: 'Unique id of the order line.',
      rules: { required: true, pattern: '[A-Za-z0-9-]{1,64}' },
    },
    {
      name: 'order_id',
      type: 'string',
      source: 'raw',
      description: 'Order the line belongs to; ad conversions point at it.',
      rules: { required: true, pattern: '[A-Za-z0-9-]{1,64}' },
      filter: { param: 'order_id', op: 'eq' },
    },
    {
      name: 'customer_id',
      type: 'string',
      source: 'raw',
      description: 'Customer who placed the order.',
      rules: { required: true, pattern: '[A-Za-z0-9-]{1,64}' },
      filter: { param: 'customer_id', op: 'eq' },
    },
    {
      name: 'customer_email',
      type: 'string',
      source: 'raw',
      pii: true,
      description: 'Customer e-mail address.',
      rules: { required: true, pattern: '[^@\\s]+@[^@\\s]+\\.[^@\\s]+', maxLength: 254 },
    },
    {
      name: 'customer_name',
      type: 'string',
      source: 'raw',
      pii: true,
      description: 'Customer full name.',
      rules: { maxLength: 200 },
    },
    {
      name: 'product_id',
      type: 'string',
      source: 'raw',
      description: 'Catalog id of the product.',
      rules: { required: true },
      filter: { param: 'product_id', op: 'eq' },
    },
    {
      name: 'product_name',
      type: 'string',
      source: 'raw',
      description: 'Product name at the time of the order.',
      rules: { maxLength: 200 },
    },
    {
      name: 'category',
      type: 'string',
      source: 'raw',
      description: 'Product category.',
      rules: { required: true },
      filter: { param: 'category', op: 'eq' },
    },
    {
      name: 'quantity',
      type: 'int',
      source: 'raw',
      description: 'Units ordered.',
      rules: { required: true, min: 1, max: 1000 },
    },
    {
      name: 'unit_price',
      type: 'decimal(18,2)',
      source: 'raw',
      description: 'Price of one unit, in `currency`.',
      rules: { required: true, min: 0, max: 100000 },
    },
    {
      name: 'currency',
      type: 'string',
      source: 'raw',
      description: 'ISO 4217 currency of the prices.',
      // amount_usd needs the currency's rate (reference fxRates): a currency without one cannot be converted
      rules: { required: true, allowed: currencies, allowedSeverity: 'critical' },
      filter: { param: 'currency', op: 'eq' },
    },
    {
      name: 'payment_method',
      type: 'string',
      source: 'raw',
      description: 'How the customer paid.',
      rules: {
        allowed: ['card', 'paypal', 'bank_transfer', 'gift_card', 'wallet', 'apple_pay', 'google_pay', 'klarna'],
      },
    },
    {
      name: 'status',
      type: 'string',
      source: 'raw',
      description: 'Order line status.',
      // drives the logic (daily sales count completed lines and subtract refunds): an unknown status is not a
      // good record
      rules: {
        required: true,
        allowed: ['completed', 'refunded', 'cancelled', 'pending'],
        allowedSeverity: 'critical',
      },
      filter: { param: 'status', op: 'eq' },
    },
    {
      name: 'country',
      type: 'string',
      source: 'raw',
      description: 'ISO 3166-1 alpha-2 country of the shipping address.',
      rules: { required: true, allowed: iso3166Alpha2 },
      filter: { param: 'country', op: 'eq' },
    },
    {
      name: 'created_at',
      type: 'timestamp',
      source: 'raw',
      description:
        'When the order was placed (UTC). Raw values are ISO 8601 with an offset, or `YYYY-MM-DD HH:MM:SS` meaning UTC.',
      rules: { required: true },
    },
    {
      name: 'amount',
      type: 'decimal(18,2)',
      source: 'derived',
      description: 'quantity × unit_price, in `currency`.',
    },
    {
      name: 'amount_usd',
      type: 'decimal(18,2)',
      source: 'derived',
      description: 'amount in the reporting currency (USD), at the reference rate.',
    },
    { name: 'order_date', type: 'date', source: 'derived', description: 'UTC day of created_at.' },
    { name: 'order_hour', type: 'int', source: 'derived', description: 'UTC hour of created_at (0-23).' },
    {
      name: 'day_of_week',
      type: 'int',
      source: 'derived',
      description: 'ISO day of week of created_at (1 = Monday).',
    },
    ...lineageColumns,
  ],
};
