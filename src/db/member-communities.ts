import { sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Actor } from '../engine/types.js';
import type { Database } from './types.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A community as the scheduler and `admin status` know it: a Slack workspace, a Discord server. */
export interface Community {
  platform: string;
  /** Slack: the workspace (team) id. Discord: the server (guild) id. */
  communityId: string;
}

/**
 * Notes that this member came from this community (a Discord server): they typed `/debrief` there or
 * clicked a post in one of its channels. Discord users are global, so their member row is keyed by the
 * application and says nothing of the server; this row is what ties them to it. A member who has
 * forgotten themselves has no row to tie, and nothing is written.
 */
export async function recordMemberCommunity(db: Db, actor: Actor, communityId: string): Promise<void> {
  await sql`
    insert into member_communities (member_id, platform, community_id)
    select id, platform, ${communityId} from members
    where platform = ${actor.platform} and workspace_id = ${actor.workspaceId} and user_id = ${actor.userId}
    on conflict (member_id, platform, community_id) do update set last_seen_at = now()`.execute(db);
}

/**
 * True for members of the community: on Slack, members of the workspace; on Discord, members who came
 * from that server. Members who carry on in DMs count for the servers they came from.
 */
export function inCommunity(memberRef: { id: string; platform: string; workspaceId: string }, c: Community): Expression<SqlBool> {
  const [id, platform, workspace] = [sql.ref(memberRef.id), sql.ref(memberRef.platform), sql.ref(memberRef.workspaceId)];
  return sql<SqlBool>`((${platform} = ${c.platform} and ${workspace} = ${c.communityId})
    or exists (select 1 from member_communities mc
               where mc.member_id = ${id} and mc.platform = ${c.platform} and mc.community_id = ${c.communityId}))`;
}
