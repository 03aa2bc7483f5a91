import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs on stdout (one object a line), so a log collector can index them by
 * request id. LOG_LEVEL=silent turns them off (the tests do).
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'rightsgraph' }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type { Logger };
