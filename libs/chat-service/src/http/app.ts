import Fastify from 'fastify';
import { MAX_FRAME_BYTES } from '@confab/protocol';
import type { HttpApp, HttpDeps } from './deps';
import { ApiFailure, fail, installErrorHandling, sendFailure } from './errors';
import { registerAuthRoutes } from './routes/auth';
import { registerConversationRoutes } from './routes/conversations';
import { registerHealthRoutes } from './routes/health';
import { registerInternalRoutes } from './routes/internal';

/** Same ceiling as a WebSocket frame: a maximal message plus its envelope fits; nothing else needs more. */
export const BODY_LIMIT_BYTES = MAX_FRAME_BYTES;

/** The chat service's REST API (see libs/protocol/src/rest.ts). Routes validate their own input with zod. */
export function buildHttpApp(deps: HttpDeps): HttpApp {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Sockets are upgraded by the realtime layer on the same server; Fastify must not answer those requests.
    return503OnClosing: true,
    // A path Fastify cannot decode (`%E0%A4%A`) fails before routing: answered in protocol words, like every other error.
    frameworkErrors: (_error, _request, reply) => {
      void sendFailure(reply, fail.validation('The address is not valid.'));
    },
  });
  acceptEmptyJsonBodies(app);
  installErrorHandling(app, deps.logger);
  registerHealthRoutes(app, deps);
  registerAuthRoutes(app, deps);
  registerConversationRoutes(app, deps);
  registerInternalRoutes(app, deps);
  return app;
}

/**
 * Clients often send `Content-Type: application/json` with no body on POSTs that take none
 * (sign out, visitors, tickets); Fastify's default parser rejects that. Here an empty body is
 * `undefined` and each route's schema decides.
 */
function acceptEmptyJsonBodies(app: HttpApp): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ApiFailure(400, 'VALIDATION_ERROR', 'The request body is not valid JSON.'), undefined);
    }
  });
}
