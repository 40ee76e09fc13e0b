/**
 * Messages a person can copy and send. Gracious and short: the goal is to learn and to keep the door
 * open, never to argue the decision.
 */

export function feedbackRequest(company: string, role: string): string {
  return [
    'Hi [name],',
    '',
    `Thank you again for the chance to interview for the ${role} role at ${company}. I'm disappointed it didn't work out this time, and I'd really value your feedback.`,
    'What did you see as my strengths, and where could I improve? Even a line or two would help me a great deal.',
    '',
    "I enjoyed meeting the team and I'd be glad to stay in touch.",
    '',
    'Best wishes,',
    '[your name]',
  ].join('\n');
}

export function followUpNote(company: string, role: string): string {
  return [
    'Hi [name],',
    '',
    `Thank you again for talking with me about the ${role} role at ${company}. I enjoyed learning about the team and I'm still very interested.`,
    'Is there any news on the timeline? Happy to share anything else that would help.',
    '',
    'Best wishes,',
    '[your name]',
  ].join('\n');
}

export function thankYouNote(company: string, role: string, outcome: string | null | undefined): string {
  const middle =
    outcome === 'rejected'
      ? "While I'm sorry it wasn't to be this time, I'm grateful for the conversation and I'd be glad to be considered for future roles."
      : 'I enjoyed the conversation and learned a lot about the team and the work.';
  return [
    'Hi [name],',
    '',
    `Thank you for taking the time to talk with me about the ${role} role at ${company}.`,
    middle,
    '',
    "I'd be glad to stay in touch.",
    '',
    'Best wishes,',
    '[your name]',
  ].join('\n');
}
