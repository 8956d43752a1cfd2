/**
 * The sections `lake bench` runs, in this order. A new section is a module of lib/bench exporting a `BenchSection`,
 * listed here.
 */
import { apiSection } from './api';
import type { BenchSection } from './bench';
import { maintainSection } from './maintain';
import { searchSection } from './search';
import { serverLogsSection } from './server-logs';
import { socialPostsSection } from './social-posts';
import { streamSection } from './stream';
import { transactionsSection } from './transactions';
import { trinoSection } from './trino';
import { versionsSection } from './versions';

export const benchSections: readonly BenchSection[] = [
  transactionsSection,
  serverLogsSection,
  socialPostsSection,
  streamSection,
  maintainSection,
  apiSection,
  trinoSection,
  versionsSection,
  searchSection,
];
