import type { Aside } from '../engine/flow.js';

// Words that, in a debrief, usually mean anger at the employer. A false positive costs one gentle
// sentence; a missed one may cost a bridge, so the list leans wide.
const ANGRY = [
  /\b(idiots?|idiotic|stupid|morons?|clowns?|jerks?|incompetent|pathetic|useless|disgusting|ridiculous)\b/i,
  /\b(hate|hated|furious|livid|pissed|screw (them|you|that)|f+u+c+k\w*|wtf|bullshit|crap)\b/i,
  /\btheir loss\b/i,
  /\bwaste of (my )?time\b/i,
  /\b(tell|told) them (off|what i think)\b/i,
  /\bjoke of a\b/i,
];

export function soundsAngry(text: string): boolean {
  return ANGRY.some((re) => re.test(text));
}

export function angerAside(text: string): Aside[] {
  if (!soundsAngry(text)) return [];
  return [
    {
      text:
        "It sounds like this stung, and that's fair. If you're tempted to tell them so, give it a day before " +
        'sending anything. Industries are smaller than they look, and the person you write to may know your ' +
        'next interviewer. A gracious word now keeps doors open that you may want later.',
    },
  ];
}
