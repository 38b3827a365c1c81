import type { ErrorCode } from '@confab/protocol';

/**
 * A failed call to the chat service, with the code and words of its `ApiError` body
 * (or a synthetic INTERNAL_ERROR when it could not be reached or answered nonsense).
 * Route handlers forward `status`, `code` and `message` as they are.
 */
export class ChatServiceError extends Error {
  override readonly name = 'ChatServiceError';

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

/** Errors that mean "this session token is no good": the cookie holding it should go. */
export function isSessionError(error: unknown): error is ChatServiceError {
  return (
    error instanceof ChatServiceError &&
    (error.code === 'AUTH_REQUIRED' || error.code === 'AUTH_FAILED' || error.code === 'SESSION_EXPIRED')
  );
}

export function isNotFound(error: unknown): error is ChatServiceError {
  return error instanceof ChatServiceError && error.code === 'NOT_FOUND';
}
