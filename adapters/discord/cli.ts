import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StartupError } from '../../src/startup-error.js';

/** True when this module is the script node was started with (not imported by a test). */
export function invokedDirectly(moduleUrl: string): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** Runs a command-line script: one line on stderr and exit code 1 if it fails. */
export function runScript(what: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof StartupError) process.stderr.write(`debrief: ${err.message}\n`);
      else process.stderr.write(`debrief: could not ${what}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
