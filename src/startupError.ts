/**
 * A reason not to start that the operator can fix (a port in use, an unreachable DATABASE_URL,
 * a bad setting, an embedded database held by another process). Printed as one line naming
 * the setting, without a stack trace, and the process exits with code 1.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** The line to print for an error that stopped a command before it could do its work. */
export function startupMessage(error: unknown): string {
  if (error instanceof StartupError) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
