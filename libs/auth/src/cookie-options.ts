/** Names of the two identity cookies. Both hold opaque chat-service session tokens. */
export const SESSION_COOKIE = 'confab_session';
export const VISITOR_COOKIE = 'confab_visitor';

export interface SessionCookieOptions {
  httpOnly: true;
  sameSite: 'lax';
  secure: boolean;
  path: '/';
  expires: Date;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Secure in production, except on a loopback host: `npm start` serves a production build on
 * plain http://localhost, and some browsers drop Secure cookies sent over http to 127.0.0.1.
 */
export function shouldUseSecureCookies(nodeEnv: string, host: string | null): boolean {
  if (nodeEnv !== 'production') return false;
  const hostname = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  return !LOOPBACK_HOSTS.has(hostname);
}

/**
 * httpOnly so page JavaScript never sees a session token; SameSite=Lax so cross-site POSTs
 * do not carry it (CSRF) while links into the app still arrive signed in.
 */
export function sessionCookieOptions(args: { nodeEnv: string; host: string | null; expiresAt: string }): SessionCookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: shouldUseSecureCookies(args.nodeEnv, args.host),
    path: '/',
    expires: new Date(args.expiresAt),
  };
}
