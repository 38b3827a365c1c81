import type { FastifyError, FastifyReply } from 'fastify';
import type { ApiError, ErrorCode } from '@confab/protocol';
import type { Logger } from '../logger';
import type { HttpApp } from './deps';

/** A failure the client is told about: HTTP status + protocol error code + words a person can read. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export const fail = {
  validation: (message: string) => new ApiFailure(400, 'VALIDATION_ERROR', message),
  authRequired: () => new ApiFailure(401, 'AUTH_REQUIRED', 'Sign in (or start a visitor session) first.'),
  authFailed: (message = 'Your session is not valid any more. Sign in again.') => new ApiFailure(401, 'AUTH_FAILED', message),
  forbidden: (message: string) => new ApiFailure(403, 'FORBIDDEN', message),
  notFound: (what = 'That') => new ApiFailure(404, 'NOT_FOUND', `${what} was not found.`),
  conflict: (message: string) => new ApiFailure(409, 'CONFLICT', message),
  voiceDisabled: () => new ApiFailure(403, 'VOICE_DISABLED', 'Voice is off for this agent.'),
  rateLimit: (retryAfterS: number, message = `Too many attempts. Try again in ${retryAfterS} s.`) =>
    new ApiFailure(429, 'RATE_LIMIT', message, retryAfterS),
};

export function sendFailure(reply: FastifyReply, failure: ApiFailure): FastifyReply {
  const body: ApiError = {
    error: {
      code: failure.code,
      message: failure.message,
      ...(failure.retryAfterS !== undefined && { retry_after_s: failure.retryAfterS }),
    },
  };
  if (failure.retryAfterS !== undefined) void reply.header('retry-after', String(failure.retryAfterS));
  return reply.code(failure.status).type('application/json; charset=utf-8').send(body);
}

/** Fastify's own 4xx errors (bad JSON, body too large, wrong media type) in protocol words. */
function fromFastifyError(error: FastifyError): ApiFailure | null {
  const status = error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return null;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiFailure(413, 'VALIDATION_ERROR', 'The request body is too large.');
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new ApiFailure(415, 'VALIDATION_ERROR', 'Send the request body as application/json.');
  }
  return new ApiFailure(400, 'VALIDATION_ERROR', 'The request body is not valid JSON.');
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof Reflect.get(error, 'code') === 'string' && 'statusCode' in error;
}

/** Every error leaves as an ApiError body; unexpected ones are logged and answered without internals. */
export function installErrorHandling(app: HttpApp, logger: Logger): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof ApiFailure) return sendFailure(reply, error);
    const known = isFastifyError(error) ? fromFastifyError(error) : null;
    if (known) return sendFailure(reply, known);
    logger.error({ err: error, method: request.method, url: request.routeOptions.url }, 'request failed');
    return sendFailure(reply, new ApiFailure(500, 'INTERNAL_ERROR', 'Something went wrong on our side. Try again.'));
  });
  app.setNotFoundHandler((_request, reply) => sendFailure(reply, fail.notFound('This endpoint')));
}
