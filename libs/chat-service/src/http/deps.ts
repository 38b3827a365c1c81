import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, RawServerDefault } from 'fastify';
import type { Access, Realtime, Store } from '../contracts';
import type { AuthService } from '../auth/service';
import type { Budgets } from '../budgets';
import type { ChatServiceConfig } from '../config';
import type { Catalog } from '../db/catalog';
import type { Logger } from '../logger';

/** What the REST routes need. `publish` is late-bound: the realtime layer is built after the app. */
export interface HttpDeps {
  config: ChatServiceConfig;
  logger: Logger;
  store: Store;
  catalog: Catalog;
  auth: AuthService;
  access: Access;
  publish: Realtime['publish'];
  endConversation: Realtime['endConversation'];
  /** Where rate-limit counters live (shared in Redis with several instances). */
  budgets: Budgets;
  /** Resolves when the database answers; rejects otherwise. */
  checkDatabase: () => Promise<void>;
}

/** The Fastify instance as built here (its logger is our pino logger). */
export type HttpApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;
