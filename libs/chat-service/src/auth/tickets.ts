import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';
import { Id, IdentityKind, WS_TICKET_TTL_S, type Identity } from '@confab/protocol';

/** WebSocket tickets: HS256 JWTs that only open a socket, valid WS_TICKET_TTL_S seconds. */

export const TICKET_AUDIENCE = 'confab-ws';
const ISSUER = 'confab-chat-service';

const TicketClaims = z.object({
  sub: Id,
  kind: IdentityKind,
  sid: Id,
  name: z.string(),
  /** Each ticket's own id, so it opens one socket only (see TicketUses). Absent from tickets of older instances. */
  jti: z.string().min(1).max(100).optional(),
  exp: z.number(),
});

/**
 * The HMAC key as jose uses it. Importing raw bytes costs a WebCrypto import on every sign and verify;
 * `importTicketKey` does it once per process.
 */
export type TicketKey = Uint8Array | CryptoKey;

export function importTicketKey(secret: Uint8Array): Promise<CryptoKey> {
  // A copy: WebCrypto wants bytes backed by a plain ArrayBuffer.
  return crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

export interface IssuedTicket {
  ticket: string;
  expiresAt: Date;
}

export interface TicketSubject {
  identity: Identity;
  sessionId: string;
}

export interface ReadTicket extends TicketSubject {
  ticketId: string | null;
  expiresAtMs: number;
}

export async function signTicket(secret: TicketKey, subject: TicketSubject, now = Date.now()): Promise<IssuedTicket> {
  const issuedAt = Math.floor(now / 1000);
  const expiresAtS = issuedAt + WS_TICKET_TTL_S;
  const ticket = await new SignJWT({ kind: subject.identity.kind, sid: subject.sessionId, name: subject.identity.display_name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject.identity.id)
    .setAudience(TICKET_AUDIENCE)
    .setIssuer(ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAtS)
    .setJti(randomUUID())
    .sign(secret);
  return { ticket, expiresAt: new Date(expiresAtS * 1000) };
}

/** The ticket's subject when its signature, audience, issuer and expiry hold; null otherwise. */
export async function readTicket(secret: TicketKey, ticket: string): Promise<ReadTicket | null> {
  try {
    const { payload } = await jwtVerify(ticket, secret, { algorithms: ['HS256'], audience: TICKET_AUDIENCE, issuer: ISSUER });
    const claims = TicketClaims.safeParse(payload);
    if (!claims.success) return null;
    return {
      identity: { kind: claims.data.kind, id: claims.data.sub, display_name: claims.data.name },
      sessionId: claims.data.sid,
      ticketId: claims.data.jti ?? null,
      expiresAtMs: claims.data.exp * 1000,
    };
  } catch {
    return null;
  }
}
