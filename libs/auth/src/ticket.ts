import type { IdentityKind, WsTicketResponse } from '@confab/protocol';

/** The query parameter a ticket travels in: `token=` for users, `session_user=` for visitors. */
export type TicketParam = 'token' | 'session_user';

export function ticketParamFor(kind: IdentityKind): TicketParam {
  return kind === 'user' ? 'token' : 'session_user';
}

/** What `GET /api/ws-ticket` answers: the protocol's schema type, which the browser parses with. */
export type WsTicketAnswer = WsTicketResponse;
