import type { IdentityKind } from '@confab/protocol';
import type { WsTicketResponse } from '@confab/chat-client';

/** The query parameter a ticket travels in: `token=` for users, `session_user=` for visitors. */
export type TicketParam = 'token' | 'session_user';

export function ticketParamFor(kind: IdentityKind): TicketParam {
  return kind === 'user' ? 'token' : 'session_user';
}

/** What `GET /api/ws-ticket` answers: the chat-client's own schema type, so both sides agree. */
export type WsTicketAnswer = WsTicketResponse;
