import { randomBytes } from 'node:crypto';
import type { Identity, MeResponse, SessionResponse, SignInBody, SignUpBody, TicketResponse } from '@confab/protocol';
import type { Auth, Principal } from '../contracts';
import type { Database } from '../db/client';
import {
  findActiveSession,
  findUserByEmail,
  findUserById,
  insertSession,
  insertUser,
  insertVisitor,
  mergeVisitorIntoUser,
  revokeSession,
  toUser,
  type ActiveSession,
} from '../db/identities';
import type { Logger } from '../logger';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords';
import { createSignInLimiter, signInEmailKey, signInKey, type SignInAddressLimiter, type SignInLimiter } from './rate-limit';
import { memoryTicketUses, type TicketUses } from './ticket-uses';
import { SessionCache } from './session-cache';
import { importTicketKey, readTicket, signTicket } from './tickets';
import { hashToken, newSessionToken } from './tokens';

export { EmailTakenError } from '../db/identities';

const DAY_MS = 24 * 60 * 60 * 1000;
export const USER_SESSION_TTL_MS = 30 * DAY_MS;
export const VISITOR_SESSION_TTL_MS = 180 * DAY_MS;
/** How long a live session found for a WebSocket ticket is trusted without asking the database again. */
export const TICKET_SESSION_CACHE_MS = 5_000;
const TICKET_SESSION_CACHE_ENTRIES = 50_000;

export type SignInResult =
  | { ok: true; session: SessionResponse }
  | { ok: false; reason: 'invalid_credentials' }
  | { ok: false; reason: 'rate_limited'; retryAfterS: number };

/** `Auth` (the seam the realtime layer uses) plus the account operations behind the REST API. */
export interface AuthService extends Auth {
  signUp(body: SignUpBody): Promise<SessionResponse>;
  /** `clientAddress`: whose address the attempt counts against (null: not known, no per-address limit). */
  signIn(body: SignInBody, clientAddress: string | null): Promise<SignInResult>;
  signOut(sessionToken: string): Promise<void>;
  createVisitor(): Promise<SessionResponse>;
  issueTicket(principal: Principal): Promise<TicketResponse>;
  me(principal: Principal): Promise<MeResponse>;
  /** A session ended on another instance: tickets of it must not open sockets here either (see SessionEnds). */
  forgetSession(sessionId: string): void;
}

export interface AuthServiceDeps {
  db: Database;
  ticketSecret: Uint8Array;
  logger: Logger;
  signInLimiter?: SignInLimiter;
  /** Failed sign-ins per email from any address (`signInEmailKey`); none: no such limit. */
  signInEmailLimiter?: SignInLimiter;
  /** Password checks per client address (see SignInAddressLimiter). Default: none. */
  signInAddressLimiter?: SignInAddressLimiter;
  /** Default TICKET_SESSION_CACHE_MS; 0 asks the database for every ticket. */
  ticketSessionCacheMs?: number;
  /** Where used tickets are remembered (Redis with several instances); default: this process. */
  ticketUses?: TicketUses;
  /** Told when a session ends early (sign-out, visitor merged), so its sockets can close at once. */
  onSessionEnded?: (sessionId: string) => void;
}

export function createAuthService(deps: AuthServiceDeps): AuthService {
  const { db, ticketSecret, logger } = deps;
  const limiter = deps.signInLimiter ?? createSignInLimiter();
  const ticketUses = deps.ticketUses ?? memoryTicketUses();
  const ticketKey = importTicketKey(ticketSecret);
  // Failing here would otherwise be an unhandled rejection; every ticket call awaits the same promise and fails loudly.
  ticketKey.catch((error: unknown) => logger.error({ err: error }, 'could not import the ticket key'));
  const ticketSessions = new SessionCache(deps.ticketSessionCacheMs ?? TICKET_SESSION_CACHE_MS, TICKET_SESSION_CACHE_ENTRIES);

  async function startSession(identity: Identity, ttlMs: number): Promise<SessionResponse> {
    const token = newSessionToken();
    const expiresAt = new Date(Date.now() + ttlMs);
    await insertSession(db, { tokenHash: hashToken(token), identity, expiresAt });
    return { session_token: token, expires_at: expiresAt.toISOString(), identity };
  }

  /** Moves the threads of the visitor behind `visitorToken` (if it is a live visitor session) to `user`. */
  async function adoptVisitorThreads(visitorToken: string | undefined, user: Identity): Promise<number> {
    if (!visitorToken) return 0;
    const visitor = await findActiveSession(db, { tokenHash: hashToken(visitorToken) });
    if (!visitor || visitor.identity.kind !== 'visitor') return 0;
    const moved = await mergeVisitorIntoUser(db, { visitorId: visitor.identity.id, visitorSessionId: visitor.sessionId, user });
    ticketSessions.forget(visitor.sessionId);
    deps.onSessionEnded?.(visitor.sessionId);
    logger.info({ visitorId: visitor.identity.id, userId: user.id, threads: moved }, 'visitor merged into account');
    return moved;
  }

  async function sessionFor(user: { id: string; displayName: string }, visitorToken: string | undefined): Promise<SessionResponse> {
    const identity: Identity = { kind: 'user', id: user.id, display_name: user.displayName };
    const merged = await adoptVisitorThreads(visitorToken, identity);
    return { ...(await startSession(identity, USER_SESSION_TTL_MS)), merged_threads: merged };
  }

  return {
    async signUp(body) {
      const user = await insertUser(db, {
        email: body.email,
        displayName: body.display_name,
        passwordHash: await hashPassword(body.password),
      });
      logger.info({ userId: user.id }, 'user signed up');
      return sessionFor(user, body.visitor_session_token);
    },

    async signIn(body, clientAddress) {
      // The address first: past its budget no email is checked at all, known or not.
      const addressBlockedFor = (await deps.signInAddressLimiter?.attempt(clientAddress)) ?? null;
      if (addressBlockedFor !== null) return { ok: false, reason: 'rate_limited', retryAfterS: addressBlockedFor };
      const key = signInKey(body.email, clientAddress ?? 'unknown');
      const emailKey = signInEmailKey(body.email);
      const blockedFor = (await limiter.attempt(key)) ?? (await deps.signInEmailLimiter?.attempt(emailKey)) ?? null;
      if (blockedFor !== null) {
        await deps.signInAddressLimiter?.refund(clientAddress);
        return { ok: false, reason: 'rate_limited', retryAfterS: blockedFor };
      }
      const user = await findUserByEmail(db, body.email);
      const valid = user ? await verifyPassword(body.password, user.passwordHash) : await verifyAgainstDecoy(body.password);
      if (!user || !valid) return { ok: false, reason: 'invalid_credentials' };
      await limiter.succeeded(key);
      await deps.signInEmailLimiter?.succeeded(emailKey);
      await deps.signInAddressLimiter?.refund(clientAddress);
      return { ok: true, session: await sessionFor(user, body.visitor_session_token) };
    },

    async signOut(sessionToken) {
      const session = await findActiveSession(db, { tokenHash: hashToken(sessionToken) });
      if (!session) return;
      await revokeSession(db, session.sessionId);
      ticketSessions.forget(session.sessionId);
      deps.onSessionEnded?.(session.sessionId);
    },

    async createVisitor() {
      const identity = await insertVisitor(db, `Guest ${randomBytes(2).toString('hex')}`);
      return startSession(identity, VISITOR_SESSION_TTL_MS);
    },

    async issueTicket(principal) {
      const issued = await signTicket(await ticketKey, principal);
      return { ticket: issued.ticket, expires_at: issued.expiresAt.toISOString(), identity: principal.identity };
    },

    async me(principal) {
      if (principal.identity.kind === 'visitor') return { identity: principal.identity, user: null };
      const user = await findUserById(db, principal.identity.id);
      return { identity: principal.identity, user: user ? toUser(user) : null };
    },

    async resolveSession(sessionToken) {
      const session = await findActiveSession(db, { tokenHash: hashToken(sessionToken) });
      return session ? toPrincipal(session) : null;
    },

    async verifyTicket(ticket) {
      const subject = await readTicket(await ticketKey, ticket);
      if (!subject) return null;
      // Cached briefly (see SessionCache): the signature and expiry above are checked on every ticket.
      const session = await ticketSessions.get(subject.sessionId, () => findActiveSession(db, { sessionId: subject.sessionId }));
      // The session must still be alive and still belong to the identity the ticket names.
      if (!session || session.identity.id !== subject.identity.id || session.identity.kind !== subject.identity.kind) {
        return null;
      }
      // One socket per ticket (claimed last, so a ticket refused for another reason is not used up).
      if (subject.ticketId !== null && !(await ticketUses.claim(subject.ticketId, subject.expiresAtMs))) {
        logger.warn({ sessionId: subject.sessionId }, 'a WebSocket ticket was used twice: refused');
        return null;
      }
      return toPrincipal(session);
    },

    forgetSession(sessionId) {
      ticketSessions.forget(sessionId);
    },

    // Never cached: this is what closes the sockets of sessions revoked elsewhere.
    async isSessionActive(sessionId) {
      const active = (await findActiveSession(db, { sessionId })) !== null;
      if (!active) ticketSessions.forget(sessionId);
      return active;
    },
  };
}

function toPrincipal(session: ActiveSession): Principal {
  return { identity: session.identity, sessionId: session.sessionId, sessionExpiresAt: session.expiresAt.getTime() };
}
