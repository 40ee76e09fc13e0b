import type { Migration } from 'kysely';
import * as initialSchema from './2026_11_27_2100_initial_schema.js';
import * as scheduler from './2026_11_27_2300_scheduler.js';
import * as digest from './2026_11_27_2330_digest.js';
import * as communitiesRetentionResend from './2026_11_29_1830_communities_retention_resend.js';
import * as replyDelivery from './2026_11_29_1900_reply_delivery.js';
import * as dueRuns from './2026_11_29_2130_due_runs.js';
import * as batchRows from './2026_11_30_0100_batch_rows.js';

/**
 * Every migration, by name, in order. A static list rather than a folder scan so that it works the
 * same under tsx, vitest and a bundler; a new migration is one file plus one line here.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_27_2100_initial_schema': initialSchema,
  '2026_11_27_2300_scheduler': scheduler,
  '2026_11_27_2330_digest': digest,
  '2026_11_29_1830_communities_retention_resend': communitiesRetentionResend,
  '2026_11_29_1900_reply_delivery': replyDelivery,
  '2026_11_29_2130_due_runs': dueRuns,
  '2026_11_30_0100_batch_rows': batchRows,
};
