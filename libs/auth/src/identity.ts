import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import type { Identity, User } from '@confab/protocol';
import { ChatServiceClient } from './chat-service-client';
import { requestClientAddress } from './client-address';
import { SESSION_COOKIE, VISITOR_COOKIE, sessionCookieOptions } from './cookie-options';
import { PAGE_DEADLINE_HEADER, pageDeadline, parsePageDeadline } from './deadline';
import { serverEnv } from './env';
import { isSessionError } from './errors';

export type IdentityCookie = typeof SESSION_COOKIE | typeof VISITOR_COOKIE;

/** Who is calling, resolved from the httpOnly cookies. Server-side only: it holds the token. */
export interface CurrentIdentity {
  identity: Identity;
  /** Set for signed-in users, null for visitors. */
  user: User | null;
  sessionToken: string;
  cookie: IdentityCookie;
}

export interface ResolvedIdentity {
  current: CurrentIdentity | null;
  /** A `confab_session` cookie was sent but the chat service no longer accepts it. */
  staleSession: boolean;
  /** Same for `confab_visitor`. */
  staleVisitor: boolean;
}

let client: ChatServiceClient | null = null;

/** The chat-service client for this server process (base URL from CHAT_SERVICE_URL). */
export function chatService(): ChatServiceClient {
  const env = serverEnv();
  client ??= new ChatServiceClient(env.CHAT_SERVICE_URL, fetch, env.CHAT_SERVICE_INTERNAL_TOKEN ?? null);
  return client;
}

/** A deadline per render, for requests the proxy gave none (memoized per render by React). */
const renderDeadline = cache((): number => pageDeadline(Date.now()));

/**
 * The chat-service client for this request's calls, all ending by its deadline (./deadline.ts):
 * the one the proxy set when the page request arrived, shared by every render of it, or else
 * one per render.
 */
export async function requestChatService(): Promise<ChatServiceClient> {
  const fromProxy = parsePageDeadline((await headers()).get(PAGE_DEADLINE_HEADER), Date.now());
  return chatService().until(fromProxy ?? renderDeadline());
}

/** `me` for a token, or null when the chat service rejects the token as a session. */
async function lookUp(token: string, cookie: IdentityCookie): Promise<CurrentIdentity | null> {
  try {
    const me = await (await requestChatService()).me(token);
    return { identity: me.identity, user: me.user, sessionToken: token, cookie };
  } catch (error) {
    if (isSessionError(error)) return null;
    throw error;
  }
}

/** The signed-in session wins over the visitor one; stale cookies are reported, not trusted. */
export async function resolveIdentity(): Promise<ResolvedIdentity> {
  const jar = await cookies();
  const sessionToken = jar.get(SESSION_COOKIE)?.value;
  const visitorToken = jar.get(VISITOR_COOKIE)?.value;
  let staleSession = false;
  let staleVisitor = false;

  if (sessionToken) {
    const current = await lookUp(sessionToken, SESSION_COOKIE);
    if (current) return { current, staleSession, staleVisitor };
    staleSession = true;
  }
  if (visitorToken) {
    const current = await lookUp(visitorToken, VISITOR_COOKIE);
    if (current) return { current, staleSession, staleVisitor };
    staleVisitor = true;
  }
  return { current: null, staleSession, staleVisitor };
}

/**
 * The caller's identity, or null for someone with no (valid) session yet. Memoized per
 * request so the layout's header and the page share one `me` call.
 */
export const getCurrentIdentity = cache(async (): Promise<CurrentIdentity | null> => (await resolveIdentity()).current);

/** Route handlers only (Set-Cookie cannot be sent once a page has started streaming). */
export async function setIdentityCookie(name: IdentityCookie, token: string, expiresAt: string): Promise<void> {
  const host = (await headers()).get('host');
  const jar = await cookies();
  jar.set(name, token, sessionCookieOptions({ nodeEnv: serverEnv().NODE_ENV, host, expiresAt }));
}

/** Route handlers only. */
export async function clearIdentityCookie(name: IdentityCookie): Promise<void> {
  (await cookies()).delete(name);
}

/**
 * The caller's identity, creating an anonymous visitor session (and its cookie) when there is
 * none: visitors are made lazily, the first time someone needs an identity. Route handlers only.
 */
export async function ensureVisitorSession(resolved?: ResolvedIdentity): Promise<CurrentIdentity> {
  const { current, staleVisitor } = resolved ?? (await resolveIdentity());
  if (current) return current;
  if (staleVisitor) await clearIdentityCookie(VISITOR_COOKIE);
  const session = await chatService().createVisitor(requestClientAddress(await headers()));
  await setIdentityCookie(VISITOR_COOKIE, session.session_token, session.expires_at);
  return { identity: session.identity, user: null, sessionToken: session.session_token, cookie: VISITOR_COOKIE };
}
