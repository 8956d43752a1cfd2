import { allTables } from '../contracts';
import type { AnyContract, TableName } from '../contracts';

/**
 * Who may read what: declared once, used by the local query layer and the API (locally) and by the
 * Lake Formation grants the CDK app provisions (on AWS).
 */
export type DataRole = 'admin' | 'analyst' | 'marketing' | 'bi';

export interface Grant {
  readonly description: string;
  /** tables the role may SELECT */
  readonly tables: readonly TableName[];
  /** may see columns flagged `pii` */
  readonly pii: boolean;
}

const every = allTables.map((t) => t.name);

export const grants: Readonly<Record<DataRole, Grant>> = {
  admin: { description: 'Data platform operators: every table, every column.', tables: every, pii: true },
  analyst: { description: 'Analysts: every table, no personal data.', tables: every, pii: false },
  marketing: {
    description: 'Marketing: ad events, campaign performance and social posts, no personal data.',
    tables: ['ad_events', 'campaign_performance', 'social_posts'],
    pii: false,
  },
  bi: {
    description: 'BI tools (QuickSight, Tableau): curated tables only.',
    tables: ['daily_sales', 'campaign_performance'],
    pii: false,
  },
};

export const roles = Object.keys(grants) as DataRole[];

export function isRole(name: string): name is DataRole {
  return (roles as string[]).includes(name);
}

export function canRead(role: DataRole, table: TableName): boolean {
  return grants[role].tables.includes(table);
}

/** The columns of a table that a role may see (schema and rows alike). */
export function visibleColumns(role: DataRole, contract: AnyContract): AnyContract['columns'] {
  const g = grants[role];
  return contract.columns.filter((c) => g.pii || !c.pii);
}
