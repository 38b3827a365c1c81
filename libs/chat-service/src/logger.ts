import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; tests and the launcher read them line by line. */
export function createLogger(level: string, instanceId: string): Logger {
  return pino({ level, base: { service: 'chat-service', instance: instanceId } });
}
