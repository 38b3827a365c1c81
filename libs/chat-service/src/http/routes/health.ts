import type { HttpApp, HttpDeps } from '../deps';

/** Liveness for the launcher and load balancers: 200 when the database answers, 503 otherwise. */
export function registerHealthRoutes(app: HttpApp, { checkDatabase, config, logger }: HttpDeps): void {
  app.get('/healthz', async (_request, reply) => {
    try {
      await checkDatabase();
      return { status: 'ok', instance: config.instanceId };
    } catch (error) {
      logger.warn({ err: error }, 'health check: database unavailable');
      return reply.code(503).send({ status: 'unavailable', instance: config.instanceId });
    }
  });
}
