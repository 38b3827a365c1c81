import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createThread, request, signUp, ticketFor, type SignedIn } from '../support/api';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { sampleValue, scrapeMetrics } from '../support/metrics';
import { TestSocket } from '../support/ws-client';

/** `GET /metrics`: token-protected Prometheus text whose values follow the traffic the service saw. */

let service: RunningChatService;
const token = randomBytes(18).toString('base64url');
const sockets: TestSocket[] = [];

beforeAll(async () => {
  // ~20 ms per word: the reply streams long enough to be seen in flight.
  service = await startChatService({ env: { METRICS_TOKEN: token, INSTANCE_ID: 'metrics-test', DEMO_AGENT_TOKEN_DELAY_MS: '20' } });
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) if (socket.closeCode === null) socket.close();
  await service?.stop();
});

async function join(conversationId: string, user: SignedIn): Promise<TestSocket> {
  const { ticket } = await ticketFor(service, user.sessionToken);
  const socket = await TestSocket.open(`${service.wsBase}conversation/${conversationId}/?token=${encodeURIComponent(ticket)}&app_type=test`);
  sockets.push(socket);
  await socket.next('connected');
  return socket;
}

/** Scrapes until `check` holds (server-side bookkeeping of a close lands a moment after the client's). */
async function scrapeUntil(check: (text: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await scrapeMetrics(service, token);
    if (check(text)) return text;
    if (Date.now() > deadline) throw new Error(`metrics never showed ${what}:\n${text}`);
    await sleep(50);
  }
}

describe('GET /metrics', () => {
  it('refuses scrapers without the token', async () => {
    expect((await request(service, 'GET', '/metrics')).status).toBe(401);
    expect((await request(service, 'GET', '/metrics', { token: 'not-the-metrics-token' })).status).toBe(401);
    const text = await scrapeMetrics(service, token);
    expect(sampleValue(text, 'confab_instance_info', { instance_id: 'metrics-test' })).toBe(1);
    // Default process metrics are there too.
    expect(sampleValue(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts connections, frames in and out, delivery latency, reconnects, errors and replies streaming', async () => {
    const metric = (text: string, name: string, labels?: Record<string, string>) => sampleValue(text, name, labels);
    const before = await scrapeMetrics(service, token);
    const user = await signUp(service, { display_name: 'Metrics' });
    const thread = await createThread(service, user.sessionToken);

    const socket = await join(thread.conversation_id, user);
    socket.send({ event: 'sync', data: { after_seq: 0 } });
    await socket.next('sync');
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'Count me', client_message_id: `cm-${randomUUID()}` } });
    await socket.next('ack');
    const reply = await socket.next('message', (f) => f.data.message.author.kind === 'agent');
    await socket.next('stream');
    const during = await scrapeMetrics(service, token);
    expect(metric(during, 'confab_replies_streaming')).toBe(1);
    expect(metric(during, 'confab_ws_connections')).toBe(metric(before, 'confab_ws_connections') + 1);
    const done = await socket.next('done', (f) => f.data.message_id === reply.data.message.id);
    socket.send('{"event":"action","data":{"action":"dance"}}');
    await socket.next('error');

    // The client comes back and resumes after the last seq it has: a reconnect.
    socket.close();
    await socket.closed();
    const again = await join(thread.conversation_id, user);
    again.send({ event: 'sync', data: { after_seq: done.data.seq } });
    await again.next('sync');
    expect((await request(service, 'GET', `/v1/threads/${randomUUID()}`, { token: user.sessionToken })).status).toBe(404);

    const after = await scrapeUntil((text) => metric(text, 'confab_replies_streaming') === 0 && metric(text, 'confab_ws_connections') === metric(before, 'confab_ws_connections') + 1, 'the first socket closed and the reply over');
    const delta = (name: string, labels?: Record<string, string>) => metric(after, name, labels) - metric(before, name, labels);
    expect(delta('confab_ws_frames_received_total', { event: 'sync' })).toBe(2);
    expect(delta('confab_ws_frames_received_total', { event: 'next' })).toBe(1);
    expect(delta('confab_ws_frames_received_total', { event: 'invalid' })).toBe(1);
    expect(delta('confab_ws_frames_sent_total', { event: 'connected' })).toBe(2);
    expect(delta('confab_ws_frames_sent_total', { event: 'ack' })).toBe(1);
    // The person's message and the agent's (streaming) message, each to the one socket.
    expect(delta('confab_ws_frames_sent_total', { event: 'message' })).toBe(2);
    expect(delta('confab_ws_frames_sent_total', { event: 'stream' })).toBe(socket.all('stream').length);
    expect(delta('confab_ws_frames_sent_total', { event: 'done' })).toBe(1);
    expect(delta('confab_delivery_latency_seconds_count')).toBe(2);
    expect(delta('confab_delivery_latency_seconds_sum')).toBeLessThan(5);
    expect(delta('confab_ws_reconnects_total')).toBe(1);
    expect(delta('confab_errors_total', { code: 'VALIDATION_ERROR', transport: 'ws' })).toBe(1);
    expect(delta('confab_errors_total', { code: 'NOT_FOUND', transport: 'http' })).toBe(1);
  }, 60_000);
});
