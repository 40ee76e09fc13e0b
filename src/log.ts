import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Callers pass ids and timings only: never a person's answers, never a token.
 * The redact list is a second line of defence for fields that must never leave the process.
 *
 * By default lines go to stdout synchronously: one write(2) on the main thread per line. pino's
 * default (SonicBoom async) hands every line to the libuv threadpool instead, and at a bot's volume
 * (about one line of 300 bytes per turn) there is nothing to batch, so each line paid a thread wake,
 * a write on the worker, an eventfd write and an epoll wake-up: about twice the CPU of the write
 * itself. A write of a few hundred bytes to a pipe or a file does not wait unless the reader has
 * stopped draining, which is how Node writes process.stdout to pipes and files on Linux anyway; and
 * an async stream would then grow its buffer without bound instead. Each line is written before the
 * call returns, so nothing is left to flush when the process exits (pino registers no exit hook for a
 * synchronous stream, and needs none).
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
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
