import type { SchedulerConfig } from '../config.js';
import type { CommandHandler } from '../engine/engine.js';
import { memberCheckins, setCheckins } from '../db/schedules.js';
import { choiceIds, commandPromptRef } from '../engine/ids.js';
import type { Reply } from '../engine/types.js';
import { checkTimeZone, nextSlot } from '../cron.js';

/**
 * `/debrief checkins on [Zone]`, `off`, or on its own for the current setting. Slack tells us the
 * member's time zone with every turn; elsewhere we ask once, with a few common zones as buttons.
 */

const COMMON_ZONES = ['Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Asia/Kolkata', 'Australia/Sydney'];

const say = (text: string): Reply[] => [{ text, expectsText: false }];

export const TERMINAL_NOTE =
  "Check-ins come on Slack or Discord: the terminal only answers when you type, so it can't message you " +
  'later. Your next steps are saved here, and `/debrief history` shows them.';

function canonicalZone(zone: string): string | undefined {
  if (!checkTimeZone(zone).ok) return undefined;
  return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
}

function when(cron: string, zone: string, now: Date): string {
  const next = nextSlot(cron, zone, now);
  return next.toLocaleString('en-GB', { timeZone: zone, weekday: 'long', hour: '2-digit', minute: '2-digit' });
}

export function createCheckinsCommand(cfg: SchedulerConfig): CommandHandler {
  return async ({ trx, memberId, args, turn, now, issuedAt }) => {
    // The terminal only speaks when spoken to, so a weekly message could never arrive there.
    if (turn.platform === 'console') return say(TERMINAL_NOTE);
    // Zone names are case-sensitive for people reading them back, so take the words as typed.
    const words = turn.input.kind === 'command' ? turn.input.args.trim().split(/\s+/).slice(1) : args;
    const [sub, zoneWord] = [words[0]?.toLowerCase(), words[1]];
    const member = await memberCheckins(trx, memberId);

    if (sub === 'off') {
      await setCheckins(trx, memberId, { enabled: false });
      return say('Check-ins are off. Your debriefs and next steps stay as they are; `/debrief checkins on` brings them back.');
    }
    if (sub === 'on' || sub === 'zone') {
      if (issuedAt && now.getTime() - issuedAt.getTime() > 24 * 3600_000)
        return say('That button is from a while ago. Send `/debrief checkins on` to set check-ins up again.');
      const asked = zoneWord ? canonicalZone(zoneWord) : undefined;
      if (zoneWord && !asked) {
        const checked = checkTimeZone(zoneWord);
        return say(checked.ok ? `"${zoneWord}" isn't a time zone I know.` : checked.message);
      }
      const zone = asked ?? member.time_zone ?? undefined;
      if (!zone) {
        return [
          {
            text: "Happy to. Which time zone are you in? Then I'll check in with you once a week at a sensible local time.\n_Not listed? Type `/debrief checkins on Europe/Madrid` with yours._",
            choices: COMMON_ZONES.map((z) => ({ id: choiceIds.command('checkins', 'zone', z), label: z.replace('_', ' ') })),
            promptRef: commandPromptRef(now),
            expectsText: false,
          },
        ];
      }
      await setCheckins(trx, memberId, { enabled: true, timeZone: zone, nextCheckinAt: nextSlot(cfg.checkinCron, zone, now) });
      return say(
        `Check-ins are on. I'll message you weekly, next on ${when(cfg.checkinCron, zone, now)} (${zone}), ` +
          'to ask about interviews and follow up on your next steps. `/debrief checkins off` stops them.',
      );
    }
    return say(
      member.checkins_enabled
        ? `Check-ins are on, next on ${when(cfg.checkinCron, member.time_zone ?? 'UTC', now)} (${member.time_zone ?? 'UTC'}). \`/debrief checkins off\` stops them.`
        : 'Check-ins are off. `/debrief checkins on` turns on a weekly message about your interviews and next steps.',
    );
  };
}
