import net, { type AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy the test controls, to break the network between a client and the chat
 * service for real (no mocks): `cut()` destroys every open connection at once (both ends see a
 * reset, as when Wi-Fi drops), `down()` refuses new connections until `up()`, and `pause()` stops
 * reading from the server, so the server's socket backs up exactly as with a client that stopped
 * reading.
 */
export interface TcpProxy {
  port: number;
  /** Connections accepted so far (including refused ones while down). */
  accepted: number;
  /** Currently piped connections. */
  open(): number;
  /** Destroys every open connection, both sides. */
  cut(): void;
  /** New connections are destroyed at once until `up()`. */
  down(): void;
  up(): void;
  /** Stops reading what the server sends (on open and future connections) until `resume()`. */
  pause(): void;
  resume(): void;
  /** Bytes read from the server side so far. */
  bytesFromServer(): number;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  server: net.Socket;
  /** Whether server → client is piped (false while paused). */
  flowing: boolean;
}

function pauseServerSide(pair: Pair): void {
  // pipe() resumes its source on 'drain': unpipe first so the pause sticks.
  if (pair.flowing) pair.server.unpipe(pair.client);
  pair.flowing = false;
  pair.server.pause();
}

function resumeServerSide(pair: Pair): void {
  if (!pair.flowing) pair.server.pipe(pair.client);
  pair.flowing = true;
  pair.server.resume();
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let isDown = false;
  let paused = false;
  let fromServer = 0;

  const server = net.createServer((client) => {
    proxy.accepted += 1;
    if (isDown) {
      client.destroy();
      return;
    }
    const upstream = net.connect({ port: targetPort, host: targetHost });
    const pair: Pair = { client, server: upstream, flowing: false };
    pairs.add(pair);
    const end = () => {
      if (!pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    upstream.on('data', (chunk: Buffer) => {
      fromServer += chunk.length;
    });
    client.pipe(upstream);
    if (paused) pauseServerSide(pair);
    else resumeServerSide(pair);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const proxy: TcpProxy = {
    port: (server.address() as AddressInfo).port,
    accepted: 0,
    open: () => pairs.size,
    cut() {
      for (const pair of [...pairs]) {
        pairs.delete(pair);
        // resetAndDestroy sends RST where available: the other side learns at once, like a dropped link.
        pair.client.resetAndDestroy();
        pair.server.resetAndDestroy();
      }
    },
    down() {
      isDown = true;
    },
    up() {
      isDown = false;
    },
    pause() {
      paused = true;
      for (const pair of pairs) pauseServerSide(pair);
    },
    resume() {
      paused = false;
      for (const pair of pairs) resumeServerSide(pair);
    },
    bytesFromServer: () => fromServer,
    close() {
      proxy.cut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
