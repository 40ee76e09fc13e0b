import type { SchedulerConfig } from '../../config.js';
import type { AnyScheduledKind } from '../kind.js';
import { checkinInvites } from './checkin-invites.js';
import { communityDigest } from './community-digest.js';
import { communityPrompts } from './community-prompts.js';

/** Every kind of scheduled message, in the order a tick runs them. A new kind is one line here. */
export const scheduledKinds = (config: SchedulerConfig): AnyScheduledKind[] => [
  communityPrompts,
  checkinInvites(config),
  communityDigest(config),
];
