import { DELTA_STREAMS_QUERY, conversationSocketPath, type WsTicketResponse } from '@confab/protocol';
import { loadWire, type WireModule } from './load-wire';
import { UNREACHABLE_REASON as UNREACHABLE } from './socket-policy';

/** The WebSocket ticket the browser gets from the Next.js route `GET /api/ws-ticket` (schema: protocol's `WsTicketResponse`). */

export const WS_TICKET_ROUTE = '/api/ws-ticket';

export type TicketResult =
  | { ok: true; ticket: WsTicketResponse }
  /** 401: the signed-in session is gone (the route creates visitor sessions itself). */
  | { ok: false; kind: 'sign-in-required'; message: string }
  /** Network trouble (no answer, or a gateway's 502–504: `UNREACHABLE_REASON`), 5xx, or a malformed answer: worth retrying with backoff. */
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
  // The validation module loads while the ticket is on its way.
  const wire = loadWire();
  wire.catch(() => undefined);
  let response: Response;
  try {
    response = await fetchImpl(WS_TICKET_ROUTE, {
      method: 'GET',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json' },
    });
  } catch {
    return { ok: false, kind: 'unavailable', message: UNREACHABLE };
  }
  if (response.status === 401) {
    return { ok: false, kind: 'sign-in-required', message: 'Your session has ended. Sign in again to continue.' };
  }
  const body = await readJson(response);
  let ApiError: WireModule['ApiError'];
  let WsTicketResponse: WireModule['WsTicketResponse'];
  try {
    ({ ApiError, WsTicketResponse } = await wire);
  } catch {
    return { ok: false, kind: 'unavailable', message: UNREACHABLE };
  }
  if (!response.ok) {
    // A gateway's answer (502–504): the server behind it is down or not answering.
    if (response.status > 501 && response.status < 505) return { ok: false, kind: 'unavailable', message: UNREACHABLE };
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
 * `${ws_base}conversation/<id>/?<param>=<ticket>&app_type=<appType>[&product_id=<productId>]&stream=delta`,
 * every part escaped. `app_type` and `product_id` tell the chat service which app and product
 * the socket comes from (the seed guide's `appType` / `productId`); it logs them per connection.
 * `stream=delta`: this client applies delta-only `stream` frames (StreamData).
 */
export function buildConversationSocketUrl(ticket: WsTicketResponse, conversationId: string, appType: string, productId?: string): string {
  const base = ticket.ws_base.endsWith('/') ? ticket.ws_base : `${ticket.ws_base}/`;
  const query = new URLSearchParams({ [ticket.param]: ticket.ticket, app_type: appType });
  if (productId) query.set('product_id', productId);
  query.set(DELTA_STREAMS_QUERY.name, DELTA_STREAMS_QUERY.value);
  return `${base}${conversationSocketPath(encodeURIComponent(conversationId))}?${query.toString()}`;
}

export async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return null;
  }
}
