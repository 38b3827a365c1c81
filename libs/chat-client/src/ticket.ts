import { z } from 'zod';
import { ApiError, conversationSocketPath } from '@confab/protocol';

/**
 * The WebSocket ticket the browser gets from the Next.js route `GET /api/ws-ticket`.
 * This module has no browser-only code so the route handler imports the same schema
 * (`WsTicketResponse`) and the two sides cannot drift apart.
 */

export const WS_TICKET_ROUTE = '/api/ws-ticket';

export const WsTicketResponse = z.object({
  /** Short-lived JWT that opens one socket (WS_TICKET_TTL_S). */
  ticket: z.string().min(1),
  /** Query parameter the chat service expects it in: `token` for users, `session_user` for visitors. */
  param: z.enum(['token', 'session_user']),
  /** Base of the chat service's WebSocket API, e.g. `ws://localhost:4000/ws/v1/`. */
  ws_base: z.string().regex(/^wss?:\/\/[^\s]+$/, 'ws_base must be a ws:// or wss:// URL'),
});
export type WsTicketResponse = z.infer<typeof WsTicketResponse>;

export type TicketResult =
  | { ok: true; ticket: WsTicketResponse }
  /** 401: the signed-in session is gone (the route creates visitor sessions itself). */
  | { ok: false; kind: 'sign-in-required'; message: string }
  /** Network trouble, 5xx, or a malformed answer: worth retrying with backoff. */
  | { ok: false; kind: 'unavailable'; message: string };

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * The tail of this page's ticket requests. Tickets are asked for one at a time: a person with no
 * session yet gets a visitor created by the route, and two requests in flight at once (React
 * StrictMode runs effects twice; two conversations mount together) would each create one — the
 * second request must carry the cookie the first answer set. (The proxy gives a visitor its
 * cookie on the page request already; this covers pages reached by client-side navigation.)
 */
let ticketQueue: Promise<unknown> = Promise.resolve();

export function fetchWsTicket(fetchImpl: FetchLike = fetch): Promise<TicketResult> {
  const result = ticketQueue.then(() => requestTicket(fetchImpl));
  ticketQueue = result.catch(() => undefined);
  return result;
}

async function requestTicket(fetchImpl: FetchLike): Promise<TicketResult> {
  let response: Response;
  try {
    response = await fetchImpl(WS_TICKET_ROUTE, {
      method: 'GET',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json' },
    });
  } catch {
    return { ok: false, kind: 'unavailable', message: 'Could not reach the server.' };
  }
  if (response.status === 401) {
    return { ok: false, kind: 'sign-in-required', message: 'Your session has ended. Sign in again to continue.' };
  }
  const body = await readJson(response);
  if (!response.ok) {
    const apiError = ApiError.safeParse(body);
    const message = apiError.success ? apiError.data.error.message : `The server answered ${response.status}.`;
    return { ok: false, kind: 'unavailable', message };
  }
  const parsed = WsTicketResponse.safeParse(body);
  return parsed.success
    ? { ok: true, ticket: parsed.data }
    : { ok: false, kind: 'unavailable', message: 'The server sent an unexpected ticket.' };
}

/**
 * `${ws_base}conversation/<id>/?<param>=<ticket>&app_type=<appType>[&product_id=<productId>]`,
 * every part escaped. `app_type` and `product_id` tell the chat service which app and product
 * the socket comes from (the seed guide's `appType` / `productId`); it logs them per connection.
 */
export function buildConversationSocketUrl(ticket: WsTicketResponse, conversationId: string, appType: string, productId?: string): string {
  const base = ticket.ws_base.endsWith('/') ? ticket.ws_base : `${ticket.ws_base}/`;
  const query = new URLSearchParams({ [ticket.param]: ticket.ticket, app_type: appType });
  if (productId) query.set('product_id', productId);
  return `${base}${conversationSocketPath(encodeURIComponent(conversationId))}?${query.toString()}`;
}

export async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return null;
  }
}
