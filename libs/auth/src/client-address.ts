import * as z from 'zod/mini';
import { ClientAddress } from '@confab/protocol';

/**
 * The address of the person behind a request to this server, as the nearest proxy saw it: the
 * last X-Forwarded-For entry. `next start` writes the connection's address there when the request
 * came without one; behind a reverse proxy, the proxy must set it (or append to it). Anything
 * further left was written by the client and proves nothing. Null when there is no usable address.
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
