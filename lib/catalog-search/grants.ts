/** What a data role may find: tables it may read, and of those only the columns it may see. */
import { canRead, grants } from '../governance/grants';
import type { DataRole } from '../governance/grants';
import { isTableName } from '../contracts';
import type { SearchDoc } from './catalog-search';

export function visibleTo(role: DataRole): (d: SearchDoc) => boolean {
  return (d) => isTableName(d.table) && canRead(role, d.table) && (grants[role].pii || !d.pii);
}
