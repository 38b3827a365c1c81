import type * as z from 'zod/mini';
import type * as Answers from './answers';

/**
 * The browser's calls to our own Next.js API (never to the chat service). Answers are parsed
 * with zod (the schemas in `answers.ts`, loaded with the first call); failures come back as
 * words people can read.
 */
/** `retryAfterS`: how long the server asks to wait before trying again (a rate limit), when it says. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; code: string; message: string; retryAfterS?: number };

const NETWORK_MESSAGE = "Couldn't reach the server. Check your connection and try again.";
const DONE_BUT_NOT_LOADED = 'The server did it, but this page could not finish loading. Reload the page to see the result.';
const NOT_LOADED = 'This page could not finish loading. Reload the page and try again.';

export async function callApi<T>(
  path: string,
  init: { method: 'GET' | 'POST' | 'DELETE'; body?: unknown },
  /** Picks the answer's schema from `answers.ts`; null when the answer has no body to read. */
  pickSchema: ((answers: typeof Answers) => z.ZodMiniType<T>) | null,
): Promise<ApiResult<T>> {
  // The schemas load while the request is on its way.
  const loadingAnswers = import('./answers');
  loadingAnswers.catch(() => undefined);
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method,
      headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'same-origin',
    });
  } catch {
    return { ok: false, status: 0, code: 'NETWORK', message: NETWORK_MESSAGE };
  }
  let answers: typeof Answers;
  try {
    // Asked for again once if the first load failed (a network blip between the two requests).
    answers = await loadingAnswers.catch(() => import('./answers'));
  } catch {
    // The server has answered (and may have done what was asked): say so, not "couldn't reach".
    return { ok: false, status: response.status, code: 'APP_NOT_LOADED', message: response.ok ? DONE_BUT_NOT_LOADED : NOT_LOADED };
  }
  const json: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = answers.ApiError.safeParse(json);
    return error.success
      ? { ok: false, status: response.status, code: error.data.error.code, message: error.data.error.message, retryAfterS: error.data.error.retry_after_s }
      : { ok: false, status: response.status, code: 'INTERNAL_ERROR', message: 'Something went wrong on our side. Try again in a moment.' };
  }
  if (pickSchema === null) return { ok: true, data: undefined as T };
  const parsed = pickSchema(answers).safeParse(json);
  if (!parsed.success) return { ok: false, status: response.status, code: 'INTERNAL_ERROR', message: 'The server answered in an unexpected way.' };
  return { ok: true, data: parsed.data };
}

/** A stand-in origin: what `?next=` resolves against must stay on it. */
const OWN_ORIGIN = 'http://confab.invalid';

/**
 * Only same-site paths are allowed after sign in, so `?next=` cannot send people elsewhere. The
 * path is resolved the way the browser will resolve it: URL parsers drop tabs and newlines and read
 * `\` as `/`, so `/\t/evil.example` is `//evil.example`, another site. What comes back is the
 * resolved path, query and fragment, never the raw input.
 */
export function safeNextPath(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/')) return fallback;
  let url: URL;
  try {
    url = new URL(next, OWN_ORIGIN);
  } catch {
    return fallback;
  }
  // The resolved path itself can name another site: "/.//evil.example" resolves to the path
  // "//evil.example", which a browser (and Next's redirect) reads as a link to evil.example.
  if (url.origin !== OWN_ORIGIN || url.pathname.startsWith('//')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
