import { z } from 'zod';
import type { ApiError, ErrorCode } from '@confab/protocol';
import { ChatServiceError } from './errors';
import { logger } from './logger';

/** Every answer of our API is personal: never cache it anywhere. */
const NO_STORE = { 'cache-control': 'no-store' } as const;

export function json<T>(body: T, status = 200): Response {
  return Response.json(body, { status, headers: NO_STORE });
}

/** Errors answer the same `ApiError` shape as the chat service, so the browser parses one schema. */
export function jsonError(status: number, code: ErrorCode, message: string, retryAfterS?: number): Response {
  const body: ApiError = { error: { code, message, ...(retryAfterS === undefined ? {} : { retry_after_s: retryAfterS }) } };
  const headers: Record<string, string> = { ...NO_STORE };
  if (retryAfterS !== undefined) headers['retry-after'] = String(retryAfterS);
  return Response.json(body, { status, headers });
}

/** A request we refuse before calling anyone (bad JSON, wrong shape, wrong content type). */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The request is not valid.';
  const field = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${field}${issue.message}`;
}

export function parseWith<T>(schema: z.core.$ZodType<T>, value: unknown): T {
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) throw new RequestError(400, 'VALIDATION_ERROR', firstIssue(parsed.error));
  return parsed.data;
}

/**
 * Reads and validates a JSON body. Requiring `Content-Type: application/json` means a
 * cross-site HTML form cannot post here without a CORS preflight (which we never grant).
 * An empty body is parsed as `{}` so optional bodies can be omitted.
 */
export async function readJsonBody<T>(request: Request, schema: z.core.$ZodType<T>): Promise<T> {
  const text = await request.text();
  if (text.trim() === '') return parseWith(schema, {});
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new RequestError(415, 'VALIDATION_ERROR', 'Send the body as application/json.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RequestError(400, 'VALIDATION_ERROR', 'The body is not valid JSON.');
  }
  return parseWith(schema, value);
}

/** Turns whatever a handler throws into a typed JSON error (never an HTML error page). */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof RequestError) return jsonError(error.status, error.code, error.message);
  if (error instanceof ChatServiceError) {
    if (error.status >= 500) logger.error({ err: error }, 'chat service call failed');
    return jsonError(error.status, error.code, error.message, error.retryAfterS);
  }
  logger.error({ err: error }, 'route handler failed');
  return jsonError(500, 'INTERNAL_ERROR', 'Something went wrong on our side. Try again in a moment.');
}

export function withErrors<A extends unknown[]>(handler: (...args: A) => Promise<Response>): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

/** Ticket, history and thread answers must not come from a cache: they are per person, per moment. */
export { NO_STORE };
