import type { SchedulerConfig } from '../../config.js';
import { checkinLedger } from '../../db/due-runs.js';
import { checkinInvite } from '../../flows/invitations.js';
import type { ScheduledKind } from '../kind.js';

/** The weekly check-in invitation, in a DM to each member who turned check-ins on, in their own zone. */
export const checkinInvites = (config: Pick<SchedulerConfig, 'checkinCron'>): ScheduledKind => ({
  name: 'checkin',
  audience: 'members',
  cron: () => config.checkinCron,
  compose: () => ({ replies: [checkinInvite()] }),
  ledger: checkinLedger,
  batch: 200,
});
