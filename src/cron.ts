import { CronExpressionParser } from 'cron-parser';

/**
 * Slot arithmetic for schedules: wall-clock cron in an IANA zone, as UTC instants. cron-parser keeps
 * the local time across daylight-saving changes (09:00 London is 09:00 UTC in winter, 08:00 in summer).
 * node-cron only drives the timer (see scheduler.ts); it keeps no state, so slots are computed here.
 */

export type Checked = { ok: true } | { ok: false; message: string };

export function checkTimeZone(zone: string): Checked {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC'
      ? { ok: true }
      : { ok: false, message: `"${zone}" isn't a time zone I know. Use a name like Europe/London, America/New_York or UTC.` };
  } catch {
    return { ok: false, message: `"${zone}" isn't a time zone I know. Use a name like Europe/London, America/New_York or UTC.` };
  }
}

export function checkCron(expr: string): Checked {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5)
    return {
      ok: false,
      message:
        `"${expr}" needs exactly five fields: minute hour day-of-month month day-of-week, ` +
        'e.g. "0 9 * * 1" for Mondays at 09:00.',
    };
  try {
    CronExpressionParser.parse(expr, { strict: false });
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      message: `"${expr}" isn't a schedule I can read (${(err as Error).message}). Try e.g. "0 9 * * 1" for Mondays at 09:00.`,
    };
  }
}

/** The first slot strictly after `after`. */
export function nextSlot(expr: string, zone: string, after: Date): Date {
  return CronExpressionParser.parse(expr, { currentDate: after, tz: zone }).next().toDate();
}

/** The latest slot at or before `at`. */
export function latestSlot(expr: string, zone: string, at: Date): Date {
  // prev() is strictly before currentDate; a millisecond later makes "at" itself count.
  return CronExpressionParser.parse(expr, { currentDate: new Date(at.getTime() + 1), tz: zone }).prev().toDate();
}
