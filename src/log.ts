import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Callers pass ids and timings only: never a person's answers, never a token.
 * The redact list is a second line of defence for fields that must never leave the process.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'debrief' },
      redact: {
        paths: ['text', 'answer', 'value', 'token', '*.token', 'authorization', '*.authorization', 'password'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination(1),
  );
}
