import type { ErrorCode } from '@confab/protocol';

/**
 * A failed call to the chat service, with the code and words of its `ApiError` body
 * (or a synthetic INTERNAL_ERROR when it could not be reached or answered nonsense).
 * Route handlers forward `status`, `code` and `message` as they are.
 */
export class ChatServiceError extends Error {
  override readonly name = 'ChatServiceError';
  /**
   * Set on "unreachable" and "too slow" (`PAGE_ERROR_DIGEST`): Next.js keeps an error's own
   * digest and hands it to the page's error boundary (the message it drops in production), so
   * app/error.tsx can say which of the two happened.
   */
  readonly digest?: string;

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterS?: number,
    digest?: string,
  ) {
    super(message);
    if (digest !== undefined) this.digest = digest;
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
