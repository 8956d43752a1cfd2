import { lineageColumns } from './lineage';
import type { DatasetContract } from './types';

export const serverLogs: DatasetContract = {
  name: 'server_logs',
  database: 'processed',
  description: 'Web server requests (nginx/Apache combined log format), parsed and classified (status class, bot traffic).',
  owner: 'web-platform',
  raw: { format: 'combined_log', prefix: 'server_logs/' },
  businessKey: ['log_id'],
  timeColumn: 'request_time',
  retentionDays: 400,
  api: { route: 'server-logs', maxRangeDays: 31 },
  columns: [
    { name: 'log_id', type: 'string', source: 'derived', description: 'SHA-256 of the raw file\'s checksum and the line number: landing a file twice is a no-op, two identical real requests stay two rows.', rules: { required: true } },
    { name: 'client_ip', type: 'string', source: 'raw', pii: true, description: 'Client IPv4 or IPv6 address.', rules: { required: true, maxLength: 45 } },
    { name: 'remote_user', type: 'string', source: 'raw', pii: true, description: 'Authenticated user name, null for `-`.' },
    { name: 'request_time', type: 'timestamp', source: 'raw', description: 'When the request was received (UTC).', rules: { required: true } },
    { name: 'method', type: 'string', source: 'raw', description: 'HTTP method.', rules: { required: true, allowed: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] }, filter: { param: 'method', op: 'eq' } },
    { name: 'path', type: 'string', source: 'raw', description: 'Request path without the query string.', rules: { required: true, maxLength: 2048 }, filter: { param: 'path_prefix', op: 'prefix' } },
    { name: 'query_string', type: 'string', source: 'raw', description: 'Query string without the `?`, null when absent.' },
    { name: 'protocol', type: 'string', source: 'raw', description: 'HTTP protocol version.' },
    { name: 'status', type: 'int', source: 'raw', description: 'HTTP status code.', rules: { required: true, min: 100, max: 599 }, filter: { param: 'status', op: 'eq' } },
    { name: 'bytes_sent', type: 'bigint', source: 'raw', description: 'Response body bytes, null for `-`.', rules: { min: 0 } },
    { name: 'referrer', type: 'string', source: 'raw', description: 'Referer header, null for `-`.' },
    { name: 'user_agent', type: 'string', source: 'raw', description: 'User-Agent header, null for `-`.' },
    { name: 'status_class', type: 'string', source: 'derived', description: '`2xx`, `3xx`, `4xx` or `5xx`.', filter: { param: 'status_class', op: 'eq' } },
    { name: 'is_error', type: 'boolean', source: 'derived', description: 'status >= 400.' },
    { name: 'is_bot', type: 'boolean', source: 'derived', description: 'The user agent is a crawler, monitor or script.', filter: { param: 'is_bot', op: 'eq' } },
    { name: 'device_type', type: 'string', source: 'derived', description: '`desktop`, `mobile`, `tablet`, `bot` or `other`, from the user agent.' },
    { name: 'request_date', type: 'date', source: 'derived', description: 'UTC day of request_time.' },
    ...lineageColumns,
  ],
};
