/**
 * Which requests get a visitor session before they run (see /proxy.ts), as pure functions.
 *
 * Why: visitors are created lazily, the first time someone without a session needs an identity.
 * Before this, that first moment was the browser's `GET /api/ws-ticket` — and a page asks for
 * tickets more than once at the same moment (React StrictMode runs effects twice; two tabs open
 * at once), each request without a cookie, so each created its own visitor and the last
 * Set-Cookie won. Giving the visitor its cookie on the page request itself means every request
 * the page's JavaScript makes afterwards already carries it.
 *
 * On the first page a person actually opens, whichever it is: a browser navigation
 * (`Sec-Fetch-Dest: document`) to any page. Not only post pages: people usually land on the home
 * page and reach a post by a client-side link (an RSC fetch, which the proxy cannot tell apart
 * from a prefetch because Next.js strips its router headers) — then the post page's ticket request
 * and "Start a private thread" would each create a visitor, and the thread would belong to the one
 * whose cookie lost (a browser test reproduces exactly that). Not API routes or static assets; not
 * link prefetches or RSC fetches; not crawlers or scripts that send no Sec-Fetch-Dest.
 */

export interface VisitorRequest {
  method: string;
  pathname: string;
  /** Names of the cookies the request carries. */
  cookies: readonly string[];
  headers: Pick<Headers, 'get'>;
}

export const SESSION_COOKIE_NAME = 'confab_session';
export const VISITOR_COOKIE_NAME = 'confab_visitor';

/** Not pages: API routes, Next.js internals and files (anything whose last segment has a dot). */
const NOT_A_PAGE = /^\/(api|_next)(\/|$)|\.[^/]*$/;

/** Whether the proxy should create a visitor (and its cookie) before this request runs. */
export function needsVisitorSession(request: VisitorRequest): boolean {
  if (request.method !== 'GET') return false;
  if (NOT_A_PAGE.test(request.pathname)) return false;
  if (request.cookies.includes(SESSION_COOKIE_NAME) || request.cookies.includes(VISITOR_COOKIE_NAME)) return false;
  if (request.headers.get('sec-fetch-dest') !== 'document') return false;
  // Speculative loads (prerender/prefetch hints): nobody is there yet.
  const purpose = request.headers.get('sec-purpose') ?? request.headers.get('purpose');
  return purpose === null || !/prefetch|prerender/i.test(purpose);
}

/**
 * The request's Cookie header with the new visitor cookie added, so the page or route handler
 * running after the proxy (reading `cookies()`) already sees the visitor.
 */
export function cookieHeaderWith(header: string | null, name: string, value: string): string {
  const others = (header ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !part.startsWith(`${name}=`));
  return [...others, `${name}=${value}`].join('; ');
}
