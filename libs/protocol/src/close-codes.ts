/* No zod here: the browser imports these constants without loading the schemas (see README). */

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
