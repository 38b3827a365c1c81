import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CLIENT_ADDRESS_HEADER, ClientAddress, INTERNAL_TOKEN_HEADER } from '@confab/protocol';
import { secretsEqual } from '../auth/tokens';
import type { ChatServiceConfig } from '../config';
import { clientAddress } from '../realtime/limits';
import type { Principal } from '../contracts';
import type { AuthService } from '../auth/service';
import { fail } from './errors';

/**
 * An `:id` path parameter: a UUID, in the lower case the database and the realtime layer use (an
 * upper-case id found the same rows but its own, never-updated entry in per-id caches).
 */
export const IdParams = z.object({ id: z.uuid().transform((id) => id.toLowerCase()) });

/** Parses one part of a request (body, query, params) or answers VALIDATION_ERROR naming the field. */
export function parseInput<S extends z.core.$ZodType>(schema: S, value: unknown): z.output<S> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw fail.validation(`${where}${issue?.message ?? 'Invalid request.'}`);
}

/**
 * The bearer token, or null when there is no Authorization header. A header that is present but
 * not `Bearer <token>` is a failed authentication, not an anonymous request.
 */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(header);
  if (!match?.[1]) throw fail.authFailed('The Authorization header must be "Bearer <token>".');
  return match[1];
}

/** The caller's session when they sent one; a sent but unknown/expired/revoked one is AUTH_FAILED. */
export async function optionalPrincipal(auth: AuthService, request: FastifyRequest): Promise<Principal | null> {
  const token = bearerToken(request);
  if (token === null) return null;
  const principal = await auth.resolveSession(token);
  if (!principal) throw fail.authFailed();
  return principal;
}

export async function requirePrincipal(auth: AuthService, request: FastifyRequest): Promise<Principal> {
  const principal = await optionalPrincipal(auth, request);
  if (!principal) throw fail.authRequired();
  return principal;
}

/**
 * Whose address a request counts against in per-address limits. The web server calls on people's
 * behalf and names them in `CLIENT_ADDRESS_HEADER`, believed only next to the internal token;
 * it gives null when it could not tell (no limit then, rather than one shared by everyone). Any
 * other caller is its connection's address (or X-Forwarded-For's last entry behind a trusted proxy).
 */
export function callerAddress(request: FastifyRequest, config: Pick<ChatServiceConfig, 'internalToken' | 'ws'>): string | null {
  const token = request.headers[INTERNAL_TOKEN_HEADER];
  if (typeof token === 'string' && secretsEqual(token, config.internalToken)) {
    const named = z.safeParse(ClientAddress, request.headers[CLIENT_ADDRESS_HEADER]);
    return named.success ? named.data : null;
  }
  return clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], config.ws.trustProxy);
}
