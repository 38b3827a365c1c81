import type { IncomingMessage } from 'node:http';

/**
 * Which address the web app takes for the person behind a request: the last X-Forwarded-For entry
 * (`requestClientAddress` in @confab/auth), which the chat service's per-address budgets count
 * against (new visitors, new accounts, failed sign-ins). Next.js keeps an X-Forwarded-For the
 * client sent (it only fills one in when there is none), so a client could name a new address
 * with every request and get a new budget each time. The web server decides what that header says
 * before Next.js sees the request:
 *
 * - reached directly (the default), it is the connection's own address, whatever the client sent;
 * - behind one trusted reverse proxy (`WEB_TRUST_PROXY`), it is left as the proxy wrote it: the
 *   proxy appended the address it saw, so the last entry is still not the client's to choose.
 *   A request without any entry (one that did not come through the proxy) gets the connection's.
 *
 * Returns the header's new value, or undefined when there is none to give (the connection is gone).
 */
export function forwardedFor(sent: string | string[] | undefined, peerAddress: string | undefined, trustProxy: boolean): string | undefined {
  if (trustProxy && lastEntry(sent) !== undefined) return Array.isArray(sent) ? sent.join(', ') : sent;
  return peerAddress;
}

function lastEntry(header: string | string[] | undefined): string | undefined {
  const joined = Array.isArray(header) ? header.join(',') : header;
  return joined
    ?.split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .at(-1);
}

/** Applies `forwardedFor` to a request in place, before it is handed to Next.js. */
export function setForwardedFor(request: IncomingMessage, trustProxy: boolean): void {
  const value = forwardedFor(request.headers['x-forwarded-for'], request.socket.remoteAddress, trustProxy);
  if (value === undefined) delete request.headers['x-forwarded-for'];
  else request.headers['x-forwarded-for'] = value;
}
