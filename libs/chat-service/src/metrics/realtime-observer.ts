import type { ServerFrame } from '@confab/protocol';
import type { IncomingFrame } from '../realtime/frames';
import type { RealtimeObserver } from '../realtime/observer';
import type { ChatMetrics } from './registry';

/** Names the kind of an incoming frame with a small, fixed set of label values. */
export function incomingLabel(incoming: IncomingFrame): string {
  if (incoming.kind !== 'frame') return incoming.kind;
  const { frame } = incoming;
  return frame.event === 'action' ? frame.data.action : frame.event;
}

/** Seconds between a message's `created_at` and now (never negative: clocks of two hosts may differ a little). */
export function secondsSince(createdAt: string, now: number): number | null {
  const stored = Date.parse(createdAt);
  if (Number.isNaN(stored)) return null;
  return Math.max(0, now - stored) / 1000;
}

/** Feeds the realtime layer's hooks into the Prometheus metrics. */
export function metricsObserver(metrics: ChatMetrics): RealtimeObserver {
  // Connections that have sent their first sync: later syncs (after a seq gap) are not reconnects.
  const synced = new Set<string>();
  return {
    connectionOpened: () => metrics.connections.inc(),
    connectionClosed(connectionId) {
      synced.delete(connectionId);
      metrics.connections.dec();
    },
    frameReceived: (incoming) => metrics.framesReceived.inc({ event: incomingLabel(incoming) }),
    frameSent(frame: ServerFrame, sockets: number) {
      if (sockets === 0) return;
      metrics.framesSent.inc({ event: frame.event }, sockets);
      if (frame.event === 'error') metrics.errors.inc({ code: frame.data.code, transport: 'ws' }, sockets);
      else if (frame.event === 'message') {
        const seconds = secondsSince(frame.data.message.created_at, Date.now());
        if (seconds !== null) metrics.deliveryLatency.observe(seconds);
      }
    },
    syncRequested(connectionId, afterSeq) {
      if (synced.has(connectionId)) return;
      synced.add(connectionId);
      if (afterSeq > 0) metrics.reconnects.inc();
    },
    repliesStreaming: (count) => metrics.repliesStreaming.set(count),
  };
}
