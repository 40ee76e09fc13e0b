/**
 * The weekly community prompts. Each is a question to think about privately, drawn from the advice
 * Debrief is built on: a "no" as something to learn from, asking for feedback, strengths and
 * weaknesses, grace, open networks, fit, and the long view. Ids are stable: runs record which was used.
 */
export const reflectionPrompts = [
  { id: 'p01', text: 'Think of an interview that did not go your way. What did it teach you that a yes would not have?' },
  { id: 'p02', text: 'What is one strength an interviewer saw in you, or might have, that you tend to undersell?' },
  { id: 'p03', text: 'If you could ask your last interviewer one question about how you came across, what would it be?' },
  { id: 'p04', text: 'Which question still catches you off guard? What would a calm, prepared answer sound like?' },
  { id: 'p05', text: 'Who from a past interview process would be worth a friendly hello this month?' },
  { id: 'p06', text: 'A "no" is often about this role at this moment, not about you. Where have you seen that be true?' },
  { id: 'p07', text: 'What does a job that really fits you look like, beyond the title and the pay?' },
  { id: 'p08', text: 'When did you last thank someone for their time in a hiring process? How did it feel?' },
  { id: 'p09', text: 'What is one small thing you could practise this week that would make your next interview easier?' },
  { id: 'p10', text: 'Looking back a year, what have you become better at in interviews?' },
  { id: 'p11', text: 'What would you tell a friend who just got a rejection for a job they really wanted?' },
  { id: 'p12', text: 'Which piece of feedback, from anyone, changed how you present yourself?' },
  { id: 'p13', text: 'What story from your work shows you at your best? Is it ready to tell in two minutes?' },
  { id: 'p14', text: 'When an interview stings, what helps you let it go without burning a bridge?' },
  { id: 'p15', text: 'What did you learn about what you do not want from a recent application?' },
  { id: 'p16', text: 'Thinking long term: which interview this year might matter more than it seemed at the time?' },
  { id: 'p17', text: 'How do you prepare the questions you ask them? What is one you would like to try?' },
  { id: 'p18', text: 'What would make asking for feedback feel easier for you next time?' },
] as const;

export type ReflectionPromptId = (typeof reflectionPrompts)[number]['id'];

export function promptText(id: string | undefined): string | undefined {
  return reflectionPrompts.find((p) => p.id === id)?.text;
}
