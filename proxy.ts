import { NextResponse, type NextRequest } from 'next/server';
import { VISITOR_COOKIE, chatService, requestClientAddress, serverEnv, sessionCookieOptions } from '@confab/auth';
import { cookieHeaderWith, needsVisitorSession } from './app/_proxy/visitor';

/**
 * Next.js proxy (formerly middleware): a person without any session gets their visitor session
 * here, once, on the first page they open — so every request their pages make afterwards (ticket
 * requests, "Start a private thread", other tabs) carries the same visitor instead of each
 * creating one. Why and when: app/_proxy/visitor.ts.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const needed = needsVisitorSession({
    method: request.method,
    pathname: request.nextUrl.pathname,
    cookies: request.cookies.getAll().map((c) => c.name),
    headers: request.headers,
  });
  if (!needed) return NextResponse.next();
  let session;
  try {
    session = await chatService().createVisitor(requestClientAddress(request.headers));
  } catch {
    // The chat service is unreachable (or refuses more visitors from this address): the page
    // renders anyway, and the routes still create a visitor lazily (and report why not) as they
    // always did.
    return NextResponse.next();
  }
  const headers = new Headers(request.headers);
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
