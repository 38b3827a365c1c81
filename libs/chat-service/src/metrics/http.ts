import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '@confab/protocol';
import type { HttpApp } from '../http/deps';
import type { ChatMetrics } from './registry';

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Constant-time comparison (hashes first, so lengths do not leak either). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  return timingSafeEqual(sha256(presented), sha256(token));
}

/** The error code of a REST error body, when the payload is one. */
function errorCodeOf(payload: unknown): string | null {
  if (typeof payload !== 'string') return null;
  try {
    const parsed = ApiError.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data.error.code : null;
  } catch {
    return null;
  }
}

/**
 * `GET /metrics` in Prometheus' text format, and REST errors counted by code. With `token`, a
 * scraper must send `Authorization: Bearer <token>`; without, the route is open (bind the service
 * privately or set METRICS_TOKEN).
 */
export function registerMetricsRoutes(app: HttpApp, metrics: ChatMetrics, token: string | undefined): void {
  app.get('/metrics', async (request, reply) => {
    if (token && !bearerMatches(request.headers.authorization, token)) {
      const body: ApiError = { error: { code: 'AUTH_FAILED', message: 'Send the metrics token as a Bearer token.' } };
      return reply.code(401).header('www-authenticate', 'Bearer').send(body);
    }
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode >= 400) {
      const code = errorCodeOf(payload);
      if (code) metrics.errors.inc({ code, transport: 'http' });
    }
    return payload;
  });
}
