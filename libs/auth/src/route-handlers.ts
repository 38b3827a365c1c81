import * as z from 'zod/mini';
import { CreateThreadBody, HistoryQuery, Id, SignInBody, SignUpBody } from '@confab/protocol';
import { requestClientAddress } from './client-address';
import { SESSION_COOKIE, VISITOR_COOKIE } from './cookie-options';
import { publicWsBase } from './env';
import { isSessionError } from './errors';
import { logger } from './logger';
import { json, jsonError, parseWith, readJsonBody, withErrors } from './http';
import {
  chatService,
  clearIdentityCookie,
  ensureVisitorSession,
  resolveIdentity,
  setIdentityCookie,
  type CurrentIdentity,
} from './identity';
import { ticketParamFor, type WsTicketAnswer } from './ticket';
import { cookies } from 'next/headers';

/**
 * The logic behind app/api/**. Each handler validates its input with the protocol schemas,
 * calls the chat service with the caller's session from the httpOnly cookie, and answers
 * JSON (errors as `ApiError`). Session tokens stay on the server: answers never contain one.
 */

// The browser may not choose which visitor gets merged: that comes from its cookie only.
const SignUpRequest = z.omit(SignUpBody, { visitor_session_token: true });
const SignInRequest = z.omit(SignInBody, { visitor_session_token: true });

/** How long sign out waits for the chat service to end the session (the cookie is cleared anyway). */
const SIGN_OUT_WAIT_MS = 5_000;

const sessionEnded = () => jsonError(401, 'SESSION_EXPIRED', 'Your session has ended. Sign in again to continue.');

async function startSession(
  call: (visitorToken: string | undefined) => Promise<{ session_token: string; expires_at: string; identity: CurrentIdentity['identity']; merged_threads?: number }>,
): Promise<Response> {
  const visitorToken = (await cookies()).get(VISITOR_COOKIE)?.value;
  const session = await call(visitorToken);
  await setIdentityCookie(SESSION_COOKIE, session.session_token, session.expires_at);
  // The visitor's threads now belong to the account; the visitor session is done.
  await clearIdentityCookie(VISITOR_COOKIE);
  return json({ identity: session.identity, merged_threads: session.merged_threads ?? 0 });
}

export const signUp = withErrors(async (request: Request) => {
  const body = await readJsonBody(request, SignUpRequest);
  return startSession((visitor) => chatService().signUp({ ...body, visitor_session_token: visitor }, requestClientAddress(request.headers)));
});

export const signIn = withErrors(async (request: Request) => {
  const body = await readJsonBody(request, SignInRequest);
  return startSession((visitor) => chatService().signIn({ ...body, visitor_session_token: visitor }, requestClientAddress(request.headers)));
});

/**
 * Signing out always signs this device out: the session cookie is cleared whatever the chat
 * service answers (down, slow, an error). The chat service is still asked to end the session, which
 * closes its sockets in other tabs at once; when it cannot be asked, that is logged and the session
 * ends server-side at its normal expiry (30 days after sign in), or at a later sign out.
 */
export const signOut = withErrors(async () => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  await clearIdentityCookie(SESSION_COOKIE);
  if (token) {
    try {
      await chatService().until(Date.now() + SIGN_OUT_WAIT_MS).signOut(token);
    } catch (error) {
      // Already gone on the server: nothing left to end.
      if (!isSessionError(error)) {
        logger.warn({ err: error }, 'sign out: the chat service did not end the session; it ends at its expiry');
      }
    }
  }
  return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
});

export const me = withErrors(async () => {
  const { current } = await resolveIdentity();
  if (!current) return jsonError(401, 'AUTH_REQUIRED', 'You are not signed in.');
  return json({ identity: current.identity, user: current.user });
});

/**
 * A fresh WebSocket ticket for every (re)connect: a 60 s JWT for the WebSocket audience only, that
 * opens one socket (the chat service refuses it the second time, so one read from a log is worthless). A signed-in user gets `token=`;
 * anyone else gets a visitor (created now if needed) and `session_user=`. A session cookie the
 * chat service no longer accepts answers SESSION_EXPIRED, so the page can ask to sign in again
 * instead of silently turning the person into an anonymous visitor.
 */
export const wsTicket = withErrors(async () => {
  const resolved = await resolveIdentity();
  if (resolved.staleSession) {
    await clearIdentityCookie(SESSION_COOKIE);
    return sessionEnded();
  }
  let current = await ensureVisitorSession(resolved);
  let ticket;
  try {
    ticket = await chatService().createTicket(current.sessionToken);
  } catch (error) {
    // A visitor session that expired between the two calls: start a new visitor once.
    if (!isSessionError(error) || current.cookie !== VISITOR_COOKIE) throw error;
    current = await ensureVisitorSession({ current: null, staleSession: false, staleVisitor: true });
    ticket = await chatService().createTicket(current.sessionToken);
  }
  const answer: WsTicketAnswer = {
    ticket: ticket.ticket,
    param: ticketParamFor(ticket.identity.kind),
    ws_base: publicWsBase(),
  };
  return json(answer);
});

const SlugParams = z.object({ slug: z.string().check(z.minLength(1), z.maxLength(200)) });
const IdParams = z.object({ id: Id });

export const createThread = withErrors(async (request: Request, params: Promise<unknown>) => {
  const { slug } = parseWith(SlugParams, await params);
  const body = await readJsonBody(request, CreateThreadBody);
  const resolved = await resolveIdentity();
  if (resolved.staleSession) {
    await clearIdentityCookie(SESSION_COOKIE);
    return sessionEnded();
  }
  const current = await ensureVisitorSession(resolved);
  const { thread } = await chatService().createThread(current.sessionToken, slug, body);
  return json({ thread }, 201);
});

export const deleteThread = withErrors(async (_request: Request, params: Promise<unknown>) => {
  const { id } = parseWith(IdParams, await params);
  const { current } = await resolveIdentity();
  if (!current) return jsonError(404, 'NOT_FOUND', 'This thread was not found.');
  await chatService().deleteThread(current.sessionToken, id);
  return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
});

export const listThreads = withErrors(async () => {
  const { current } = await resolveIdentity();
  if (!current) return json({ threads: [] });
  return json(await chatService().listThreads(current.sessionToken));
});

export const conversationMessages = withErrors(async (request: Request, params: Promise<unknown>) => {
  const { id } = parseWith(IdParams, await params);
  const query = parseWith(HistoryQuery, Object.fromEntries(new URL(request.url).searchParams));
  const { current } = await resolveIdentity();
  return json(await chatService().history(id, query, current?.sessionToken));
});
