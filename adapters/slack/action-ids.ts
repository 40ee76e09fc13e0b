/**
 * What our Block Kit elements carry, so a click can be turned back into an engine input. Written by
 * render.ts, read by parse.ts. A button's value holds the Reply's promptRef and the choice id as JSON
 * (well under Slack's 2,000-character limit), so no state is kept in the process between a message
 * and its click: any replica can take the click.
 */

/** A single-choice button; the suffix is the button's index, because action_ids must be unique per block. */
export const CHOICE_ACTION_PREFIX = 'debrief:choice:';
/** The checkboxes (or multi-select) of a tags question; toggling them needs no answer from us. */
export const TAGS_ACTION = 'debrief:tags';
/** "Done" under the checkboxes: sends the ticked tags. */
export const DONE_ACTION = 'debrief:done';

export interface ButtonValue {
  /** The Reply's promptRef. */
  p: string;
  /** The choice id; empty for "Done", whose choices come from the checkboxes. */
  c: string;
}

export const encodeValue = (v: ButtonValue): string => JSON.stringify(v);

export function decodeValue(raw: string | undefined): ButtonValue | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<ButtonValue> | null;
    return v && typeof v.p === 'string' && typeof v.c === 'string' ? { p: v.p, c: v.c } : undefined;
  } catch {
    return undefined;
  }
}
