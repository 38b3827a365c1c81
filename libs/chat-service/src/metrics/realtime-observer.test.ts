import { randomUUID } from 'node:crypto';
import type { Message } from '@confab/protocol';
import { metricsObserver, secondsSince } from './realtime-observer';
import { createMetrics } from './registry';

/** A counter's or gauge's value for exactly these labels (0 when never set). */
async function value(metrics: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const sample = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return sample?.value ?? 0;
}

function message(createdAt: string): Message {
  return {
    id: randomUUID(),
    conversation_id: randomUUID(),
    seq: 1,
    client_message_id: null,
    author: { kind: 'user', id: randomUUID(), display_name: 'A' },
    content: 'hi',
    status: 'complete',
    source: 'text',
    model: null,
    finish_reason: null,
    usage: null,
    created_at: createdAt,
  };
}

describe('metrics observer', () => {
  it('counts a reconnect only for the first sync of a connection, and only when it resumes after a seq', async () => {
    const metrics = createMetrics('test');
    const observer = metricsObserver(metrics);
    observer.syncRequested('fresh', 0);
    observer.syncRequested('fresh', 12); // a later gap sync on the same connection
    observer.syncRequested('resumed', 7);
    observer.syncRequested('resumed', 9);
    expect(await value(metrics, 'confab_ws_reconnects_total')).toBe(1);
  });

  it('tracks open connections, errors by code and the delivery latency of message frames', async () => {
    const metrics = createMetrics('test');
    const observer = metricsObserver(metrics);
    observer.connectionOpened();
    observer.connectionOpened();
    observer.connectionClosed('x');
    observer.frameSent({ event: 'error', data: { code: 'RATE_LIMIT', message: 'slow down', retry_after_s: 3 } }, 1);
    observer.frameSent({ event: 'message', data: { message: message(new Date(Date.now() - 250).toISOString()) } }, 1);
    observer.frameReceived({ kind: 'frame', frame: { event: 'action', data: { action: 'stop' } } });
    observer.frameReceived({ kind: 'heartbeat' });
    expect(await value(metrics, 'confab_ws_connections')).toBe(1);
    expect(await value(metrics, 'confab_errors_total', { code: 'RATE_LIMIT', transport: 'ws' })).toBe(1);
    expect(await value(metrics, 'confab_ws_frames_sent_total', { event: 'message' })).toBe(1);
    expect(await value(metrics, 'confab_ws_frames_received_total', { event: 'stop' })).toBe(1);
    expect(await value(metrics, 'confab_ws_frames_received_total', { event: 'heartbeat' })).toBe(1);
    const text = await metrics.registry.getSingleMetricAsString('confab_delivery_latency_seconds');
    const sum = Number(/^confab_delivery_latency_seconds_sum (\S+)$/m.exec(text)?.[1]);
    expect(sum).toBeGreaterThanOrEqual(0.25);
    expect(sum).toBeLessThan(5);
  });

  it('counts a broadcast to N sockets as N frames sent and one delivery (the room written to its last socket)', async () => {
    const metrics = createMetrics('test');
    const observer = metricsObserver(metrics);
    observer.frameSent({ event: 'message', data: { message: message(new Date().toISOString()) } }, 3);
    observer.frameSent({ event: 'message', data: { message: message(new Date().toISOString()) } }, 0);
    expect(await value(metrics, 'confab_ws_frames_sent_total', { event: 'message' })).toBe(3);
    const text = await metrics.registry.getSingleMetricAsString('confab_delivery_latency_seconds');
    expect(Number(/^confab_delivery_latency_seconds_count (\S+)$/m.exec(text)?.[1])).toBe(1);
  });

  it('reads created_at defensively: never negative, null when unreadable', () => {
    expect(secondsSince('2026-01-01T00:00:01.000Z', Date.parse('2026-01-01T00:00:00.000Z'))).toBe(0);
    expect(secondsSince('2026-01-01T00:00:00.000Z', Date.parse('2026-01-01T00:00:01.500Z'))).toBe(1.5);
    expect(secondsSince('yesterday', Date.now())).toBeNull();
  });
});
