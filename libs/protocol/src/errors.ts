import { z } from 'zod';

/** Every error the server sends has one of these codes (WebSocket `error` event and REST error bodies). */
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
  'TOO_MANY_CONNECTIONS',
  'SLOW_CONSUMER',
  'VOICE_NOT_CONFIGURED',
  'VOICE_DISABLED',
  'INTERNAL_ERROR',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * WebSocket close codes. 4xxx mirror HTTP statuses so they read naturally.
 * The client must not reconnect after NORMAL, AUTH_FAILED, FORBIDDEN, NOT_FOUND;
 * after SESSION_EXPIRED it fetches a new ticket (and asks to sign in if that fails).
 */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  AUTH_FAILED: 4401,
  SESSION_EXPIRED: 4408,
  FORBIDDEN: 4403,
  NOT_FOUND: 4404,
  TRY_AGAIN_LATER: 4429,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which reconnecting cannot help. */
export const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.NORMAL,
  CloseCode.AUTH_FAILED,
  CloseCode.FORBIDDEN,
  CloseCode.NOT_FOUND,
]);

/** REST error body: `{ error: { code, message, retry_after_s? } }`. */
export const ApiError = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    retry_after_s: z.number().int().nonnegative().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;
