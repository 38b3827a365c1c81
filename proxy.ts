import { NextResponse, type NextRequest } from 'next/server';
import { PAGE_DEADLINE_HEADER, VISITOR_COOKIE, chatService, pageDeadline, requestClientAddress, serverEnv, sessionCookieOptions } from '@confab/auth';
import { cookieHeaderWith, needsVisitorSession } from './app/_proxy/visitor';

/**
 * Next.js proxy (formerly middleware), once per page request, before any render:
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
  // Constants only (read at build time): skip API routes, Next.js internals and files here already;
  // needsVisitorSession decides the rest.
  matcher: ['/((?!api/|_next/|.*\\..*).*)'],
};
