import { startupMessage, StartupError } from '../startupError';

/**
 * Runs a CLI's main and exits with its code. A failure prints one line, `NAME failed: why`
 * (a StartupError's message is the whole story; other errors keep their message only: the CLI
 * user needs the reason, not our stack).
 */
export function runCli(name: string, main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      const message =
        error instanceof StartupError ? startupMessage(error) : error instanceof Error ? error.message : String(error);
      process.stderr.write(`${name} failed: ${message}\n`);
      process.exit(1);
    },
  );
}
