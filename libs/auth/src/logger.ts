import pino from 'pino';

/** Structured logs of the Next.js server (route handlers, server components). */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: 'web' },
});
