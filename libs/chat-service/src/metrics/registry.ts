import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus metric of one chat service process, on a registry of its own (not prom-client's
 * global one, so two services in one process — tests — never clash). Rates are PromQL's job:
 * `rate(confab_ws_frames_received_total[1m])` is "messages in per second".
 */
export interface ChatMetrics {
  registry: Registry;
  connections: Gauge;
  framesReceived: Counter<'event'>;
  framesSent: Counter<'event'>;
  deliveryLatency: Histogram;
  reconnects: Counter;
  errors: Counter<'code' | 'transport'>;
  repliesStreaming: Gauge;
}

/** Loopback fan-out takes ~1 ms; a loaded instance or a remote Redis tens to hundreds of ms. */
const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics(instanceId: string): ChatMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Prometheus labels each target with its address already; this names it as the logs do.
  const info = new Gauge({ name: 'confab_instance_info', help: 'Always 1; labels name this chat service instance.', labelNames: ['instance_id'], registers: [registry] });
  info.set({ instance_id: instanceId }, 1);
  return {
    registry,
    connections: new Gauge({
      name: 'confab_ws_connections',
      help: 'WebSockets admitted to a conversation and still open on this instance.',
      registers: [registry],
    }),
    framesReceived: new Counter({
      name: 'confab_ws_frames_received_total',
      help: 'Frames received from clients, by kind (next, stop, sync, typing, ping, heartbeat, invalid).',
      labelNames: ['event'],
      registers: [registry],
    }),
    framesSent: new Counter({
      name: 'confab_ws_frames_sent_total',
      help: 'Frames written to client sockets, by event (message, stream, done, typing, ack, sync, error, ...).',
      labelNames: ['event'],
      registers: [registry],
    }),
    deliveryLatency: new Histogram({
      name: 'confab_delivery_latency_seconds',
      help: 'From a message being stored (its created_at) to its `message` frame written to the sockets of its conversation on this instance: once per broadcast, after the last socket (the fan-out tail).',
      buckets: LATENCY_BUCKETS_S,
      registers: [registry],
    }),
    reconnects: new Counter({
      name: 'confab_ws_reconnects_total',
      help: 'Connections whose first sync asked for messages after a seq > 0: a client resuming a conversation it had loaded before.',
      registers: [registry],
    }),
    errors: new Counter({
      name: 'confab_errors_total',
      help: 'Errors answered to clients, by protocol error code and transport (ws frame or http response).',
      labelNames: ['code', 'transport'],
      registers: [registry],
    }),
    repliesStreaming: new Gauge({
      name: 'confab_replies_streaming',
      help: 'Agent replies being generated and streamed by this instance now.',
      registers: [registry],
    }),
  };
}
