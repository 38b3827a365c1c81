import { NextResponse, type NextRequest } from 'next/server';
import type { ApiError } from '@confab/protocol';
import { PAGE_DEADLINE_HEADER, VISITOR_COOKIE, chatService, pageDeadline, requestClientAddress, serverEnv, sessionCookieOptions } from '@confab/auth';
import { isCrossSiteWrite } from './app/_proxy/cross-site';
import { cookieHeaderWith, needsVisitorSession } from './app/_proxy/visitor';

/**
 * Next.js proxy (formerly middleware), once per page request, before any render (and for API
 * routes, only to refuse writes other sites send: app/_proxy/cross-site.ts):
 *
 * - It starts the page's one budget for the chat service (libs/auth/src/deadline.ts): the
 *   deadline goes into the request's headers, replacing any the client sent, and everything the
 *   request asks the chat service (here, in the page, in the error page) ends by it.
 * - A person without any session gets their visitor session here, once, on the first page they
 *   open — so every request their pages make afterwards (ticket requests, "Start a private
 *   thread", other tabs) carries the same visitor instead of each creating one. Why and when:
 *   app/_proxy/visitor.ts.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  // API routes: only a write another site sent is stopped here (app/_proxy/cross-site.ts).
  if (request.nextUrl.pathname.startsWith('/api/')) {
    if (!isCrossSiteWrite(request.method, request.headers)) return NextResponse.next();
    const body: ApiError = { error: { code: 'FORBIDDEN', message: 'Requests from other sites are not accepted.' } };
    return NextResponse.json(body, { status: 403, headers: { 'cache-control': 'no-store' } });
  }
  const deadline = pageDeadline(Date.now());
  const headers = new Headers(request.headers);
  headers.set(PAGE_DEADLINE_HEADER, String(deadline));
  const needed = needsVisitorSession({
    method: request.method,
    pathname: request.nextUrl.pathname,
    cookies: request.cookies.getAll().map((c) => c.name),
    headers: request.headers,
  });
  if (!needed) return NextResponse.next({ request: { headers } });
  let session;
  try {
    session = await chatService().until(deadline).createVisitor(requestClientAddress(request.headers));
  } catch {
    // The chat service is unreachable (or refuses more visitors from this address): the page
    // renders anyway, and the routes still create a visitor lazily (and report why not) as they
    // always did.
    return NextResponse.next({ request: { headers } });
  }
  headers.set('cookie', cookieHeaderWith(request.headers.get('cookie'), VISITOR_COOKIE, session.session_token));
  const response = NextResponse.next({ request: { headers } });
  response.cookies.set(
    VISITOR_COOKIE,
    session.session_token,
    sessionCookieOptions({ nodeEnv: serverEnv().NODE_ENV, host: request.headers.get('host'), expiresAt: session.expires_at }),
  );
  return response;
}

export const config = {
  // Constants only (read at build time): pages (not Next.js internals or files; needsVisitorSession
  // decides the rest), and API routes for the cross-site check alone.
  matcher: ['/((?!api/|_next/|.*\\..*).*)', '/api/:path*'],
};
