import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerFrame } from '@confab/protocol';
import type { Access, Realtime, Store } from './contracts';
import { createAccess } from './access';
import { createSignInAddressLimiter, createSignInLimiter } from './auth/rate-limit';
import { createAuthService, type AuthService } from './auth/service';
import { memoryBudgets } from './budgets';
import type { ChatServiceConfig } from './config';
import { createCatalog, type Catalog } from './db/catalog';
import { openDatabase, pingDatabase, type DatabaseHandle } from './db/client';
import { startRetentionSweep } from './db/retention';
import { createStore } from './db/store';
import { buildHttpApp } from './http/app';
import type { HttpApp } from './http/deps';
import type { Logger } from './logger';
import { createMetrics, metricsObserver, registerMetricsRoutes } from './metrics';
import { createRealtime, localSessionEnds, openRedisScaleOut, startStaleStreamSweep, sweepStaleStreams, type RealtimeDeps, type RealtimeOptions, type ScaleOut } from './realtime';
import { seedPosts } from './seed';

/** The realtime layer as the server drives it: the `Realtime` seam plus the HTTP upgrade hook. */
export type RealtimeService = Realtime & { handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void };

export interface ChatService {
  app: HttpApp;
  store: Store;
  auth: AuthService;
  access: Access;
  catalog: Catalog;
  realtime: RealtimeService;
  /** Starts accepting HTTP and WebSocket connections; resolves with the bound address. */
  listen(): Promise<{ port: number; host: string }>;
  /** Ends replies in flight and sockets, then the HTTP server, then the database. Safe to call twice. */
  close(): Promise<void>;
}

export interface ChatServiceOptions {
  /** Swap the realtime layer (e.g. a test double); defaults to the real one. */
  createRealtime?: (deps: RealtimeDeps) => RealtimeService;
}


/** Builds the whole chat service: database (migrated, seeded), auth, REST, realtime. Does not listen yet. */
export async function createChatService(
  config: ChatServiceConfig,
  logger: Logger,
  options: ChatServiceOptions = {},
): Promise<ChatService> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDataDir: config.pgliteDataDir }, logger);
  try {
    return await assemble(config, logger, database, options);
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function assemble(
  config: ChatServiceConfig,
  logger: Logger,
  database: DatabaseHandle,
  options: ChatServiceOptions,
): Promise<ChatService> {
  const { db } = database;
  await database.withStartupLock(() => seedPosts(db, logger));
  // Several instances: fan-out, rate limits, stop requests and replies in flight go through Redis.
  const scaleOut = config.redisUrl
    ? await openRedisScaleOut(config.redisUrl, config.instanceId, logger, {
        // As long as a streaming row may go untouched: only an instance that died lets either run out.
        replyTurnTtlMs: config.staleStreamAfterMs,
        messagesPerIdentity: config.messagesPerIdentity,
      })
    : null;
  try {
    return await assembleServices(config, logger, database, options, scaleOut);
  } catch (error) {
    await scaleOut?.close();
    throw error;
  }
}

async function assembleServices(
  config: ChatServiceConfig,
  logger: Logger,
  database: DatabaseHandle,
  options: ChatServiceOptions,
  scaleOut: ScaleOut | null,
): Promise<ChatService> {
  const { db } = database;
  const store = createStore(db, { defaultModel: config.openai.model, close: () => database.close() });
  const catalog = createCatalog(db, config.openai.model);
  const budgets = scaleOut?.budgets ?? memoryBudgets;
  const sessionEnds = scaleOut?.sessionEnds ?? localSessionEnds();
  const auth = createAuthService({
    db,
    ticketSecret: config.ticketSecret,
    logger,
    signInLimiter: createSignInLimiter(budgets),
    signInEmailLimiter: createSignInLimiter(budgets, config.signInsPerEmail.points, config.signInsPerEmail.durationS, 'signin-email'),
    signInAddressLimiter: createSignInAddressLimiter(budgets, config.signInsPerAddress),
    ...(scaleOut && { ticketUses: scaleOut.ticketUses }),
    onSessionEnded: (sessionId) => sessionEnds.announce(sessionId),
  });
  sessionEnds.listen((sessionId) => auth.forgetSession(sessionId));
  const access = createAccess();

  // REST publishes through realtime, and realtime is built from the same pieces: bind late.
  let realtime: RealtimeService | null = null;
  const app = buildHttpApp({
    config,
    logger,
    store,
    catalog,
    auth,
    access,
    publish: (conversationId, frame) => realtime?.publish(conversationId, frame),
    endConversation: (conversationId, message) => realtime?.endConversation(conversationId, message),
    budgets,
    checkDatabase: () => pingDatabase(db),
  });
  const metrics = createMetrics(config.instanceId);
  registerMetricsRoutes(app, metrics, config.metricsToken);
  const realtimeOptions: RealtimeOptions = {
    observer: metricsObserver(metrics),
    sessionEnds,
    ...(scaleOut && {
      bus: scaleOut.bus,
      flushBus: () => scaleOut.bus.flush(),
      rateLimiter: scaleOut.rateLimiter,
      stopRelay: scaleOut.stopRelay,
      sharedStreams: scaleOut.sharedStreams,
      retryClaims: scaleOut.retryClaims,
      presenceStore: scaleOut.presenceStore,
      replyTurns: scaleOut.replyTurns,
    }),
  };
  const realtimeService = (options.createRealtime ?? ((deps: RealtimeDeps) => createRealtime(deps, realtimeOptions)))({ config, logger, store, auth, access });
  realtime = realtimeService;
  routeUpgrades(app, realtimeService);

  // Replies a previous process left `streaming`. PGlite belongs to this process alone, so every
  // such row is stale now; on PostgreSQL other instances may be streaming (they touch their rows).
  const sweepDeps = { store, logger, publish: (conversationId: string, frame: ServerFrame) => realtimeService.publish(conversationId, frame) };
  await sweepStaleStreams(sweepDeps, database.driver === 'pglite' ? 0 : config.staleStreamAfterMs);
  const stopStaleStreamSweep = startStaleStreamSweep(sweepDeps, config.staleStreamAfterMs);

  const stopRetentionSweep = startRetentionSweep(db, logger, config.retentionSweepMs);
  let closing: Promise<void> | null = null;
  return {
    app,
    store,
    auth,
    access,
    catalog,
    realtime: realtimeService,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.port;
      return { port, host: config.host };
    },
    close() {
      stopRetentionSweep();
      stopStaleStreamSweep();
      closing ??= shutDown(realtimeService, app, store, logger, scaleOut);
      return closing;
    },
  };
}

/** WebSockets live under /ws/; any other upgrade request is not ours to answer. */
function routeUpgrades(app: HttpApp, realtime: RealtimeService): void {
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (path.startsWith('/ws/')) realtime.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
}

async function shutDown(realtime: RealtimeService, app: HttpApp, store: Store, logger: Logger, scaleOut: ScaleOut | null): Promise<void> {
  try {
    await realtime.shutdown();
  } catch (error) {
    logger.error({ err: error }, 'realtime shutdown failed');
  }
  await app.close();
  // After the realtime layer and REST: their last frames (`done` of interrupted replies) go out through Redis.
  await scaleOut?.close();
  await store.close();
}
