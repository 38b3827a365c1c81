import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import pino, { type Logger } from 'pino';
import { setForwardedFor } from './forwarded-for';
import { parseWebServerOptions, type WebServerOptions } from './web-server-options';

/**
 * The web app's server: Next.js through its custom-server API (`next()`), in place of `next start`
 * and `next dev`, for one thing Next.js does not do: decide what X-Forwarded-For says before the
 * app reads it (`forwarded-for.ts`). Run by the launcher (`npm start`, `npm run dev`), the browser
 * test harness and `npm run web`:
 *
 *   node --import tsx libs/launcher/src/web-server.ts [--dev] [--port 3000] [--hostname 127.0.0.1]
 *
 * It listens only once Next.js is prepared, then logs `web app listening` (pino JSON, with `port`):
 * an open port means pages are served. SIGTERM / SIGINT: stops taking connections, lets requests in
 * flight finish, closes Next.js, exits 143 / 130 (as `next start`).
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
// A stuck connection must not keep a terminated process alive forever; below the launcher's 8 s,
// so Next.js is still closed by us rather than killed.
const SHUTDOWN_DEADLINE_MS = 7_000;

async function main(): Promise<void> {
  let options: WebServerOptions;
  try {
    options = parseWebServerOptions(process.argv.slice(2), process.env);
  } catch (error) {
    createLogger('error').fatal({ err: error }, 'invalid configuration');
    process.exit(1);
  }
  const logger = createLogger(options.logLevel);
  // As `next start` / `next dev`: a NODE_ENV that is set is kept (Next.js warns about unusual ones).
  // Before Next.js (and React, which picks its build from it) is loaded.
  Object.assign(process.env, { NODE_ENV: process.env.NODE_ENV || (options.dev ? 'development' : 'production') });
  const { default: next } = await import('next');
  const app = next({ dev: options.dev, dir: ROOT, hostname: options.hostname, port: options.port });
  await app.prepare();
  const { server, upgraded } = createWebServer(app.getRequestHandler(), options.trustProxy, logger);
  await listen(server, options);
  logger.info({ port: options.port, host: options.hostname ?? null, dev: options.dev, trust_proxy: options.trustProxy }, 'web app listening');
  stopOnSignals({ server, upgraded, closeApp: () => app.close(), dev: options.dev }, logger);
}

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** An HTTP server that hands every request to Next.js once X-Forwarded-For says what it should. */
function createWebServer(handle: RequestHandler, trustProxy: boolean, logger: Logger): { server: Server; upgraded: Set<Duplex> } {
  const server = createServer((request, response) => {
    setForwardedFor(request, trustProxy);
    // Stopping: the connection closes once this response is out. Kept alive, it would hold the
    // server's close for Node's keep-alive timeout, and a browser could go on using it.
    if (!server.listening) response.setHeader('Connection', 'close');
    handle(request, response).catch((error: unknown) => answerFailure(request, response, error, logger));
  });
  // A response that was in flight when the stop began: its connection goes as soon as it is idle.
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    response.once('finish', () => {
      if (!server.listening) setImmediate(() => server.closeIdleConnections());
    });
  });
  // An upgrade request runs the proxy (proxy.ts, which can make a visitor) like any other request,
  // so it gets the same header. Next.js adds its own `upgrade` listener (in development: hot
  // reload's WebSocket) on the first request it handles; `app.getUpgradeHandler()` is a no-op in
  // Next.js 16. Prepended, this one runs before it.
  const upgraded = new Set<Duplex>();
  server.prependListener('upgrade', (request: IncomingMessage, socket: Duplex) => {
    // Before that first request nobody would ever answer (nor close) the socket.
    if (server.listenerCount('upgrade') === 1) {
      socket.destroy();
      return;
    }
    setForwardedFor(request, trustProxy);
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
  });
  return { server, upgraded };
}

function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'web-server' } });
}

function listen(server: Server, options: WebServerOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // No hostname: every interface, as `next start` without `--hostname`.
    server.listen({ port: options.port, host: options.hostname }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** What `next start` does when its handler throws: 500, and the error in the log. */
function answerFailure(request: IncomingMessage, response: ServerResponse, error: unknown, logger: Logger): void {
  logger.error({ err: error, url: request.url }, 'request failed');
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.statusCode = 500;
  response.end('Internal Server Error');
}

interface Running {
  server: Server;
  /** Sockets handed to Next.js's upgrade listener: the server no longer answers on them. */
  upgraded: Set<Duplex>;
  closeApp: () => Promise<void>;
  dev: boolean;
}

function stopOnSignals(running: Running, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'web app stopping');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    running.server.close(() => {
      running
        .closeApp()
        .catch((error: unknown) => logger.error({ err: error }, 'closing Next.js failed'))
        .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
    // Requests in flight finish; idle keep-alive connections and WebSockets (hot reload) would
    // hold `close` open for nothing. In development nothing in flight is worth waiting for.
    running.server.closeIdleConnections();
    for (const socket of running.upgraded) socket.destroy();
    if (running.dev) running.server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  createLogger('error').fatal({ err: error }, 'web app failed to start');
  process.exit(1);
});
