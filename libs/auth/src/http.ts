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

/** Far above any JSON this app's routes take (a sign-up is ~200 bytes, a thread title 200 characters). */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/**
 * A request body as text, refused with 413 once it passes `maxBytes`: read chunk by chunk, so a
 * multi-gigabyte POST costs at most `maxBytes` of memory, not all of it (`request.text()` buffers
 * everything it is sent).
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new RequestError(413, 'VALIDATION_ERROR', `The request body is too large (over ${Math.round(maxBytes / 1024)} KiB).`);
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads and validates a JSON body. Requiring `Content-Type: application/json` means a
 * cross-site HTML form cannot post here without a CORS preflight (which we never grant).
 * An empty body is parsed as `{}` so optional bodies can be omitted.
 */
export async function readJsonBody<T>(request: Request, schema: z.core.$ZodType<T>): Promise<T> {
  const text = await readBodyText(request, MAX_JSON_BODY_BYTES);
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
