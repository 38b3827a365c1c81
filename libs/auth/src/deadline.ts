import { CHAT_SERVICE_TIMEOUT_MS } from './chat-service-client';

/**
 * One budget for everything a page asks the chat service, from the moment its request arrives.
 *
 * Why: each call has its own timeout (CHAT_SERVICE_TIMEOUT_MS), and a page makes several, one
 * after another — the proxy's new visitor, `me`, the thread, its history — and when a render
 * fails Next.js renders the root layout once more for the error page, asking `me` again (React's
 * per-render cache is new then). Against a chat service that accepts connections but never
 * answers, a thread page showed its error after 20 s and a first visit to a post page after 30 s.
 *
 * The proxy (/proxy.ts), which runs once per page request before any render, writes the deadline
 * into the request's headers; every render of that request (the page and the error page alike)
 * reads the same one. Without it (route handlers, which the proxy skips) each render gets its own.
 */
export const PAGE_BUDGET_MS = CHAT_SERVICE_TIMEOUT_MS;

/** Request header carrying the page's deadline (epoch ms), set by the proxy. */
export const PAGE_DEADLINE_HEADER = 'x-confab-page-deadline';

/** The deadline of a page request arriving at `now`. */
export function pageDeadline(now: number): number {
  return now + PAGE_BUDGET_MS;
}

/**
 * The deadline a request's header names, or null when there is none (or it is not a number).
 * Never later than a budget from `now`: a header sent by a client cannot buy a longer wait.
 */
export function parsePageDeadline(value: string | null, now: number): number | null {
  if (value === null || !/^\d{1,16}$/.test(value)) return null;
  return Math.min(Number(value), pageDeadline(now));
}
