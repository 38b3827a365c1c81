import * as z from 'zod/mini';
import { ApiError, ClientMessageId, HistoryResponse, WsTicketResponse, parseServerFrame } from '@confab/protocol';

/**
 * Everything the browser validates with zod, in one module that `loadWire()` loads on demand.
 * zod is ~21 kB of gzip JavaScript as Turbopack bundles it, and nothing needs it before the page
 * asks for its first socket ticket: loading it alongside that request keeps it out of the
 * first-load JavaScript without delaying the connection (`npm run bench -- weight`).
 * The schemas are the protocol's own; nothing here parses differently from the server.
 */

export { ApiError, HistoryResponse, WsTicketResponse, parseServerFrame };

/** What a page stored in its outbox (sessionStorage): read back only if it still parses. */
export const StoredOutbox = z.array(
  z.object({
    client_message_id: ClientMessageId,
    content: z.string(),
    created_at: z.string(),
  }),
);
