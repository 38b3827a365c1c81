import * as z from 'zod/mini';
import { ClientAddress } from '@confab/protocol';

/**
 * The address of the person behind a request to this server, as the nearest proxy saw it: the
 * last X-Forwarded-For entry. It can be believed because the server that runs Next.js
 * (`libs/launcher/src/web-server.ts`: `npm start`, `npm run dev`, the tests) sets that header before
 * Next.js sees it: reached directly, to the connection's address alone, whatever the client sent;
 * behind a trusted reverse proxy (`WEB_TRUST_PROXY`), it keeps the proxy's header, whose last entry
 * is the one the proxy appended. Anything further left was written by the client and proves nothing. (Under a
 * bare `next start`, a header the client sent is kept, and so would be its made-up address.)
 * Null when there is no usable address.
 */
export function requestClientAddress(headers: Pick<Headers, 'get'>): string | null {
  const last = headers
    .get('x-forwarded-for')
    ?.split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .at(-1);
  if (!last) return null;
  // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d: the same person as a.b.c.d.
  const address = last.toLowerCase().startsWith('::ffff:') && last.includes('.') ? last.slice(7) : last;
  const parsed = z.safeParse(ClientAddress, address);
  return parsed.success ? parsed.data : null;
}
