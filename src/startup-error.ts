/** A problem at start-up the user can fix; its message is one line and never holds a secret. */
export class StartupError extends Error {
  override name = 'StartupError';
}
