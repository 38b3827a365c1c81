import type { Duplex } from 'node:stream';
import { CloseCode, type ServerFrame } from '@confab/protocol';
import type { Access, Auth, ConversationRecord, Principal, Store } from '../contracts';
import type { Logger } from '../logger';
import { identityKey } from './connection';
import type { UpgradeParams } from './frames';
import type { ConnectionCounter } from './limits';

/** What a WebSocket upgrade turned out to be, once its ticket and conversation were checked. */
export type Admission =
  | { kind: 'admitted'; conversation: ConversationRecord; principal: Principal | null; canWrite: boolean }
  | { kind: 'auth-failed' }
  | { kind: 'not-found' }
  | { kind: 'too-many-connections' }
  | { kind: 'server-full' }
  | { kind: 'failed' };

export type Refused = Exclude<Admission, { kind: 'admitted' }>;

/** What a refused socket is told before it is closed: a typed error frame, then a close code and reason. */
export interface Refusal {
  frame: ServerFrame;
  closeCode: number;
  reason: string;
}

const REFUSALS: Record<Refused['kind'], Refusal> = {
  'auth-failed': {
    frame: { event: 'error', data: { code: 'AUTH_FAILED', message: 'Your ticket is invalid or has expired.' } },
    closeCode: CloseCode.AUTH_FAILED,
    reason: 'Auth failed',
  },
  'not-found': {
    frame: { event: 'error', data: { code: 'NOT_FOUND', message: 'This conversation does not exist.' } },
    closeCode: CloseCode.NOT_FOUND,
    reason: 'Not found',
  },
  'too-many-connections': {
    frame: { event: 'error', data: { code: 'TOO_MANY_CONNECTIONS', message: 'Too many open connections. Close other tabs or try again later.' } },
    closeCode: CloseCode.TRY_AGAIN_LATER,
    reason: 'Too many connections',
  },
  // Not TOO_MANY_CONNECTIONS: closing tabs would not help; the client's backoff retries on 4429.
  'server-full': {
    frame: { event: 'error', data: { code: 'SERVER_FULL', message: 'This server has no room for another connection. Try again later.' } },
    closeCode: CloseCode.TRY_AGAIN_LATER,
    reason: 'Server full',
  },
  failed: {
    frame: { event: 'error', data: { code: 'INTERNAL_ERROR', message: 'The server could not open this conversation.' } },
    closeCode: 1011,
    reason: 'Internal error',
  },
};

export function refusalFor(admission: Refused): Refusal {
  return REFUSALS[admission.kind];
}

export interface AdmissionDeps {
  auth: Auth;
  store: Store;
  access: Access;
  perIdentity: ConnectionCounter;
  log: Logger;
}

/**
 * Decides whether an upgrade may become a conversation socket: a valid ticket (or none: a
 * read-only anonymous reader), a conversation the caller may read, and a free connection slot for
 * the identity, held until the TCP socket closes. Unknown and not-yours look the same, so
 * conversation ids cannot be probed.
 */
export async function admit(deps: AdmissionDeps, params: UpgradeParams, socket: Duplex): Promise<Admission> {
  try {
    const principal = params.ticket ? await deps.auth.verifyTicket(params.ticket.value) : null;
    if (params.ticket && !principal) return { kind: 'auth-failed' };
    if (params.target.kind !== 'conversation') return { kind: 'not-found' };
    const conversation = await deps.store.getConversation(params.target.conversationId);
    if (!conversation || !deps.access.canRead(conversation, principal)) return { kind: 'not-found' };
    if (principal) {
      const key = identityKey(principal.identity);
      const releaseIdentity = deps.perIdentity.acquire(key);
      if (!releaseIdentity) {
        deps.log.warn({ identity: key, max: deps.perIdentity.max }, 'WebSocket refused: too many connections for one identity');
        return { kind: 'too-many-connections' };
      }
      if (socket.destroyed) releaseIdentity();
      else socket.once('close', releaseIdentity);
    }
    return { kind: 'admitted', conversation, principal, canWrite: deps.access.canWrite(conversation, principal) };
  } catch (error) {
    deps.log.error({ err: error }, 'could not admit a WebSocket');
    return { kind: 'failed' };
  }
}
