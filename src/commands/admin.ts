import type { Kysely } from 'kysely';
import type { SchedulerConfig } from '../config.js';
import {
  checkinMemberCount,
  dmDeliveryCounts,
  findCommunitySchedule,
  lastScheduleRun,
  saveSchedule,
  scheduleDeliveryCounts,
  setScheduleEnabled,
  type ScheduleInput,
} from '../db/schedules.js';
import type { Database } from '../db/types.js';
import type { CommandContext, CommandHandler } from '../engine/engine.js';
import type { Reply } from '../engine/types.js';
import { checkCron, checkTimeZone, nextSlot } from '../cron.js';

/**
 * `/debrief admin schedule #channel "0 9 * * 1" Europe/London`, `admin pause`, `admin resume`,
 * `admin status`: the community's weekly reflection prompt, for workspace or server admins only.
 */

const USAGE =
  '*Community prompts* (admins only)\n' +
  '• `/debrief admin schedule #channel "0 9 * * 1" Europe/London` post the weekly reflection there, at that time\n' +
  '• `/debrief admin pause` / `resume` stop or restart the posts\n' +
  '• `/debrief admin status` next and last run, and delivery counts';

const say = (text: string): Reply[] => [{ text, expectsText: false }];

/** Slack `<#C123|general>`, Discord `<#123>`, or a bare id. */
function parseChannel(token: string | undefined): string | undefined {
  if (!token) return undefined;
  const m = /^<#([A-Z0-9]+)(?:\|[^>]*)?>$/i.exec(token) ?? /^([CGD][A-Z0-9]{6,}|\d{15,21})$/.exec(token);
  return m?.[1];
}

/** Splits the words of a command, keeping "quoted text" together (the cron expression). */
export function splitArgs(raw: string): string[] {
  return [...raw.matchAll(/"([^"]*)"|“([^”]*)”|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function localTime(at: Date, zone: string): string {
  return `${at.toLocaleString('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })} (${zone})`;
}

export function createAdminCommand(cfg: SchedulerConfig): CommandHandler {
  return async (ctx) => {
    const raw = ctx.turn.input.kind === 'command' ? ctx.turn.input.args.replace(/^\s*admin\b/i, '') : ctx.args.join(' ');
    const [sub, ...rest] = splitArgs(raw);
    if (!sub || sub.toLowerCase() === 'help') return say(USAGE);
    if (!ctx.turn.context?.isAdmin)
      return say("Only workspace or server admins can change the community prompts. Ask one of them if you'd like it changed.");
    switch (sub.toLowerCase()) {
      case 'schedule':
        return schedule(ctx, rest);
      case 'pause':
      case 'resume':
        return setEnabled(ctx, sub.toLowerCase() === 'resume');
      case 'status':
        return status(ctx, cfg);
      default:
        return say(`I don't know "admin ${sub.slice(0, 30)}".\n\n${USAGE}`);
    }
  };
}

async function schedule(ctx: CommandContext, args: string[]): Promise<Reply[]> {
  const channelId = parseChannel(args[0]) ?? ctx.turn.context?.channelId;
  const [cron, zone] = parseChannel(args[0]) ? args.slice(1) : args;
  if (!channelId) return say(`Which channel? Mention it with #, e.g. \`/debrief admin schedule #job-search "0 9 * * 1" Europe/London\`.`);
  if (!cron || !zone)
    return say('I need a schedule and a time zone, e.g. `/debrief admin schedule #job-search "0 9 * * 1" Europe/London` (Mondays at 09:00).');
  const c = checkCron(cron);
  if (!c.ok) return say(c.message);
  const tz = checkTimeZone(zone);
  if (!tz.ok) return say(tz.message);
  const next = await upsertSchedule(ctx.trx, {
    platform: ctx.actor.platform,
    workspaceId: communityOf(ctx),
    channelId,
    cron,
    timeZone: zone,
    updatedBy: ctx.actor.userId,
    now: ctx.now,
  });
  return say(`Done. The weekly reflection will post in <#${channelId}>. Next one: ${localTime(next, zone)}.`);
}

export async function upsertSchedule(
  db: Kysely<Database>,
  s: Omit<ScheduleInput, 'nextRunAt'>,
  onlyIfMissing = false,
): Promise<Date> {
  const next = nextSlot(s.cron, s.timeZone, s.now);
  await saveSchedule(db, { ...s, nextRunAt: next }, onlyIfMissing);
  return next;
}

async function setEnabled(ctx: CommandContext, enabled: boolean): Promise<Reply[]> {
  const s = await findSchedule(ctx);
  if (!s) return say('There is no community schedule yet. Set one with `/debrief admin schedule`.');
  // Resuming starts from the next slot, not with a burst of the ones missed while paused.
  const next = nextSlot(s.cron, s.time_zone, ctx.now);
  await setScheduleEnabled(ctx.trx, s.id, { enabled, nextRunAt: next, updatedBy: ctx.actor.userId, now: ctx.now });
  return say(enabled ? `Resumed. Next prompt: ${localTime(next, s.time_zone)}.` : 'Paused. No community prompts until you `/debrief admin resume`.');
}

const communityOf = (ctx: CommandContext) => ctx.turn.context?.communityId ?? ctx.actor.workspaceId;

function findSchedule(ctx: CommandContext) {
  return findCommunitySchedule(ctx.trx, ctx.actor.platform, communityOf(ctx));
}

async function status(ctx: CommandContext, cfg: SchedulerConfig): Promise<Reply[]> {
  const s = await findSchedule(ctx);
  const lines: string[] = [];
  if (!s) lines.push('*Community prompts:* not set up. `/debrief admin schedule` sets them up.');
  else {
    const last = await lastScheduleRun(ctx.trx, s.id);
    const deliveries = await scheduleDeliveryCounts(ctx.trx, s.id);
    lines.push(
      `*Community prompts* in <#${s.channel_id}>: \`${s.cron}\` ${s.time_zone}, ${s.enabled ? 'on' : '*paused*'}`,
      `• Next run: ${s.enabled ? localTime(s.next_run_at, s.time_zone) : 'paused'}`,
      `• Last run: ${last ? `${localTime(last.slot, s.time_zone)}, ${last.status}` : 'none yet'}`,
      `• Deliveries: ${countsText(deliveries)}`,
    );
  }
  // This community's members only: on Discord, those who came from this server, not every server the
  // application is in.
  const community = { platform: ctx.actor.platform, communityId: communityOf(ctx) };
  const members = await checkinMemberCount(ctx.trx, community);
  const checkins = await dmDeliveryCounts(ctx.trx, community, new Date(ctx.now.getTime() - 7 * 86_400_000));
  lines.push(
    `*Personal check-ins* (\`${cfg.checkinCron}\` in each member's time zone): ${members} member(s) opted in`,
    `• Last 7 days: ${countsText(checkins)}`,
  );
  return say(lines.join('\n'));
}

function countsText(rows: { status: string; n: number }[]): string {
  const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  const parts = ['sent', 'pending', 'sending', 'failed'].filter((k) => by[k]).map((k) => `${by[k]} ${k}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}
