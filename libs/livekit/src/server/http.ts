import type { ApiError, ErrorCode } from '@confab/protocol';

/** Every voice route answer: JSON and never cached (tokens and authorization are per request). */
export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

export function errorResponse(status: number, code: ErrorCode, message: string, retryAfterS?: number): Response {
  const body: ApiError = { error: { code, message, ...(retryAfterS === undefined ? {} : { retry_after_s: retryAfterS }) } };
  const response = jsonResponse(status, body);
  if (retryAfterS !== undefined) response.headers.set('retry-after', String(retryAfterS));
  return response;
}
