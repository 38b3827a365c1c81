import http from 'node:http';

/**
 * An HTTP request to a server on loopback, sent from another loopback address: Linux routes all of
 * 127.0.0.0/8 to the loopback interface, so a server listening on 127.0.0.1 sees the connection
 * come from `from` (127.0.0.2, 127.0.0.3, …), as it would see another machine's. (`fetch` cannot
 * choose the address it connects from without an extra package.)
 */
export interface ResponseFrom {
  status: number;
  body: string;
}

export function requestFrom(from: string, url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<ResponseFrom> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: init.method, headers: init.headers, localAddress: from }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setTimeout(30_000, () => request.destroy(new Error(`${init.method} ${url} from ${from}: no answer within 30 s`)));
    request.end(init.body);
  });
}

/**
 * A WebSocket upgrade request from `from`, as a browser navigating there would send it; resolves
 * once the server has closed the connection (a Next.js page runs its proxy, then ends it).
 */
export function upgradeFrom(from: string, url: string, headers: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      localAddress: from,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-fetch-dest': 'document',
        ...headers,
      },
    });
    request.on('error', () => undefined); // "socket hang up": how the server ends it
    request.on('upgrade', (_response, socket) => socket.destroy());
    request.on('close', () => resolve());
    request.setTimeout(30_000, () => {
      request.destroy();
      reject(new Error(`upgrade of ${url} from ${from}: not closed within 30 s`));
    });
    request.end();
  });
}

/** A random loopback address other than 127.0.0.1, so that each test is a machine of its own. */
export function otherLoopbackAddress(): string {
  const byte = () => 1 + Math.floor(Math.random() * 254);
  return `127.${byte()}.${byte()}.${byte()}`;
}
