import pino, { type Logger } from 'pino';

/** One logger for the voice route handlers; JSON lines like the rest of the server side. */
export const logger: Logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'web-voice' } });
