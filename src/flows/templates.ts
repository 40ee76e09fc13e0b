/**
 * Messages a person can copy and send, one for each path. Gracious and short: the goal is to learn and
 * to keep the door open, never to argue the decision. Each says one thing once.
 */

/** Ends a sentence with a full stop unless it already has one: "Acme Co." must not become "Co..". */
export function sentence(text: string): string {
  const t = text.trim();
  return /[.!?…]["'”’)]*$/.test(t) ? t : `${t}.`;
}

/** "the Product designer role", without "role role" when the title already says it. */
export function theRole(role: string): string {
  const r = role.trim();
  return /\b(role|position|job|post|opening)$/i.test(r) ? `the ${r}` : `the ${r} role`;
}

const note = (lines: string[]) => ['Hi [name],', '', ...lines, '', 'Best wishes,', '[your name]'].join('\n');

/** Rejected: thanks, and a request for what they saw as strengths and what to work on. */
export function feedbackRequest(company: string, role: string): string {
  return note([
    sentence(`Thank you again for the chance to interview for ${theRole(role)} at ${company}`) +
      " I'm sorry it didn't work out this time, and I'd really value your view.",
    'What did you see as my strengths, and what would you suggest I work on? Even a line or two would help a great deal.',
    '',
    "I enjoyed meeting the team and I'd be glad to stay in touch.",
  ]);
}

/**
 * No response: a polite status check. After a few days it asks about the timeline; after weeks of
 * silence it also leaves them a graceful way to say the role has gone.
 */
export function statusFollowUp(company: string, role: string, daysSince: number | null): string {
  const about = `${theRole(role)} at ${company}`;
  if (daysSince !== null && daysSince >= 14) {
    const weeks = Math.floor(daysSince / 7);
    return note([
      sentence(`I interviewed for ${about} about ${weeks === 1 ? 'a week' : `${numberWord(weeks)} weeks`} ago, and I wanted to ask where things stand`),
      "If the role has been filled, I'd be grateful to know, and I'd be glad to hear of anything similar in future.",
      '',
      'Thank you for your time.',
    ]);
  }
  return note([
    sentence(`Thank you again for talking with me about ${about}`) + " I enjoyed it and I'm still very interested.",
    'Could you let me know how the timeline looks? Happy to share anything else that would help.',
  ]);
}

/** Still waiting: a check-in after the date they were given (or, with no date, on the timeline). */
export function waitingFollowUp(company: string, role: string, heardBy: string | null): string {
  const about = `${theRole(role)} at ${company}`;
  return note([
    heardBy
      ? `${sentence(`I'm following up on ${about}`)} You mentioned I might hear back around ${heardBy}, so I wanted to check in.`
      : sentence(`I'm following up on ${about}, as I'm still very interested`),
    'Is there any news on the timeline? Happy to share anything else that would help.',
  ]);
}

/** A thank-you after the interview, worded for where it landed; it thanks once and closes once. */
export function thankYouNote(company: string, role: string, outcome: string | null | undefined): string {
  const about = `${theRole(role)} at ${company}`;
  if (outcome === 'offer')
    return note([
      sentence(`Thank you for the offer for ${about}`) + " I'm glad the conversations went well on both sides.",
      "I'm looking forward to the next steps, and I may have a few questions as I think it over.",
    ]);
  if (outcome === 'rejected')
    return note([
      sentence(`Thank you for your time and for considering me for ${about}`),
      "I'm sorry it wasn't to be this time, and I'd be glad to be thought of for future roles.",
    ]);
  return note([
    sentence(`Thank you for taking the time to talk with me about ${about}`),
    "I enjoyed learning about the team and the work, and I'd be glad to stay in touch.",
  ]);
}

/** An offer: questions worth asking before saying yes. */
export function offerQuestions(): string {
  return [
    'What would success look like in the first six months?',
    'Who would I work with most closely, and how does the team work together?',
    'How are reviews, pay rises and promotions handled?',
    'Is there flexibility on salary, start date or working pattern?',
    'Could I talk with someone on the team before I decide?',
  ]
    .map((q) => `• ${q}`)
    .join('\n');
}

function numberWord(n: number): string {
  return ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'][n] ?? String(n);
}
