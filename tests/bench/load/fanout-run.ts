import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { z } from 'zod';
import { summarize } from '../lib/stats';
import type { FanoutCommand, FanoutReply } from './messages';
import { openMany, SocketFactory } from './sockets';

/**
 * One fan-out run inside the load generator: senders send `action next` at a fixed total rate,
 * every message text carries its id and send time (performance.now() of this very process, so
 * sender and receivers share one clock), and every receiver socket records the delivery latency.
 * Receivers find the marker in the raw frame bytes (no JSON parse), so the load generator stays light.
 */

const SenderFrame = z.object({ event: z.string(), data: z.object({ code: z.string().optional(), message: z.string().optional() }).passthrough() });

export async function runFanout(cmd: FanoutCommand, receivers: WebSocket[]): Promise<FanoutReply> {
  const total = Math.max(1, Math.round(cmd.ratePerSecond * cmd.durationS));
  const senderCount = Math.ceil(total / cmd.maxPerSender);
  const opened = await openMany(new SocketFactory(cmd.senders), senderCount, 8);
  if (opened.sockets.length === 0) throw new Error(`no sender could connect: ${opened.errors.slice(0, 3).join('; ')}`);
  const senders = opened.sockets;
  const senderErrors = [...opened.errors];
  let acked = 0;
  for (const s of senders) {
    s.on('message', (raw) => {
      let json: unknown = null;
      try {
        json = JSON.parse(raw.toString());
      } catch {
        return;
      }
      const frame = SenderFrame.safeParse(json);
      if (!frame.success) return;
      if (frame.data.event === 'ack') acked++;
      if (frame.data.event === 'error' && senderErrors.length < 20) senderErrors.push(`${frame.data.data.code}: ${frame.data.data.message}`);
    });
  }

  const expected = total * receivers.length;
  const latencies = new Float64Array(expected);
  let delivered = 0;
  let lastDeliveryAt = 0;
  const marker = Buffer.from(`bench-${cmd.runId}-`);
  const onMessage = (raw: WebSocket.RawData): void => {
    const buf = raw as Buffer;
    const at = buf.indexOf(marker);
    if (at < 0) return;
    const now = performance.now();
    // marker is followed by "<n>-<sentAt>-"
    const start = buf.indexOf(0x2d, at + marker.length) + 1;
    const end = buf.indexOf(0x2d, start);
    const sentAt = Number(buf.toString('latin1', start, end));
    if (delivered < expected) latencies[delivered] = now - sentAt;
    delivered++;
    lastDeliveryAt = now;
  };
  for (const r of receivers) r.on('message', onMessage);

  const padding = 'x'.repeat(cmd.padding);
  // Warm-up (not measured): one message per sender socket, using the one spare slot of each identity's allowance.
  for (const s of senders) {
    const text = `warmup-${cmd.runId} ${padding}`;
    s.send(JSON.stringify({ event: 'action', data: { action: 'next', execution_type: 'chat', message: text, client_message_id: randomUUID() } }));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  acked = 0;
  const cpuStart = process.cpuUsage();
  const t0 = performance.now();
  const uses = new Array<number>(senders.length).fill(0);
  let sent = 0;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / cmd.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const si = i % senders.length;
    if (uses[si]! >= cmd.maxPerSender) continue;
    uses[si]!++;
    const text = `bench-${cmd.runId}-${i}-${performance.now().toFixed(3)}- ${padding}`;
    senders[si]!.send(JSON.stringify({ event: 'action', data: { action: 'next', execution_type: 'chat', message: text, client_message_id: randomUUID() } }));
    sent++;
  }
  const sendEnd = performance.now();
  const wanted = sent * receivers.length;
  for (let waited = 0; delivered < wanted && waited < cmd.drainMs; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const r of receivers) r.off('message', onMessage);
  for (const s of senders) s.close(1000);
  const cpu = process.cpuUsage(cpuStart);
  const end = lastDeliveryAt > 0 ? lastDeliveryAt : sendEnd;
  return {
    type: 'fanout-result',
    sent,
    acked,
    senderErrors,
    receivers: receivers.length,
    expected: wanted,
    delivered,
    seconds: (end - t0) / 1000,
    latencyMs: summarize(latencies.subarray(0, Math.min(delivered, expected))),
    clientCpuS: (cpu.user + cpu.system) / 1e6,
  };
}
