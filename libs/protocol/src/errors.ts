import * as z from 'zod/mini';

/**
 * Every error the server sends has one of these codes (WebSocket `error` event and REST error bodies).
 * `NOTHING_TO_STOP` is an answer more than an error: a `stop` found no reply streaming (it had
 * ended, or never was), so a client can tell that from a lost request; nothing changes for anyone.
 */
export const ErrorCode = z.enum([
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'SESSION_EXPIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMIT',
  'VALIDATION_ERROR',
  'MESSAGE_TOO_LONG',
  'CONFLICT',
  'NOTHING_TO_STOP',
  'TOO_MANY_CONNECTIONS',
  'SERVER_FULL',
  'SLOW_CONSUMER',
  'VOICE_NOT_CONFIGURED',
  'VOICE_DISABLED',
  'INTERNAL_ERROR',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** REST error body: `{ error: { code, message, retry_after_s? } }`. */
export const ApiError = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    retry_after_s: z.optional(z.int().check(z.nonnegative())),
  }),
});
export type ApiError = z.infer<typeof ApiError>;
