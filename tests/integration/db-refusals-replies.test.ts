import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { ServerFrameOf } from '@confab/protocol';
import { createThread, getHistory, signUp, ticketFor, type SignedIn } from '../support/api';
import { startChatService, testSecrets, type RunningChatService } from '../support/chat-service';
import { startPostgres, type RunningPostgres } from '../support/postgres-server';
import { TestSocket } from '../support/ws-client';

/**
 * Agent replies while the database refuses to store them (a failover, a full disk, a lock timeout:
 * here a real PostgreSQL trigger that rejects agent rows for a while). The question is stored and
 * acknowledged; its reply must still come once the database takes writes again, and a "Try again"
 * that could not start must not block the next one.
 */

let postgres: RunningPostgres | undefined;
let service: RunningChatService;
let admin: Client;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
  service = await startChatService({ env: { ...testSecrets(), DATABASE_URL: postgres.url, DEMO_AGENT_TOKEN_DELAY_MS: '20', STALE_STREAM_AFTER_S: '2', AGENT_REPLY_DB_RETRY_S: '3' } });
  admin = new Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`
    CREATE FUNCTION refuse_agent_rows() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'agent rows refused by the test'; END $$ LANGUAGE plpgsql`);
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) if (socket.closeCode === null) socket.close();
  await admin?.end();
  await service?.stop();
  await postgres?.stop();
}, 60_000);

const refuseAgentRows = () =>
  admin.query(`CREATE TRIGGER refuse_agent_rows BEFORE INSERT ON messages FOR EACH ROW WHEN (NEW.author_kind = 'agent') EXECUTE FUNCTION refuse_agent_rows()`);
const acceptAgentRows = () => admin.query('DROP TRIGGER refuse_agent_rows ON messages');
/** Progress saves go through; the save that ends the reply (its status) is refused. */
const refuseFinishingReplies = () =>
  admin.query(
    `CREATE TRIGGER refuse_finishing BEFORE UPDATE ON messages FOR EACH ROW WHEN (NEW.author_kind = 'agent' AND NEW.status <> OLD.status) EXECUTE FUNCTION refuse_agent_rows()`,
  );
const acceptFinishingReplies = () => admin.query('DROP TRIGGER refuse_finishing ON messages');

async function openThread(): Promise<{ user: SignedIn; conversationId: string; socket: TestSocket }> {
  const user = await signUp(service);
  const thread = await createThread(service, user.sessionToken);
  const { ticket } = await ticketFor(service, user.sessionToken);
  const socket = await TestSocket.open(`${service.wsBase}conversation/${thread.conversation_id}/?token=${encodeURIComponent(ticket)}&app_type=test&stream=delta`);
  sockets.push(socket);
  await socket.next('connected');
  return { user, conversationId: thread.conversation_id, socket };
}

async function until<T>(check: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const agentStarts = (socket: TestSocket): ServerFrameOf<'message'>[] => socket.all('message').filter((f) => f.data.message.author.kind === 'agent');

describe('agent replies while the database refuses them', () => {
  it('answers a question once the database takes writes again (a refusal for about a second)', async () => {
    const { user, conversationId, socket } = await openThread();
    await refuseAgentRows();
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'Are you there?', client_message_id: randomUUID() } });
    const ack = await socket.next('ack');
    await sleep(1_000);
    expect(agentStarts(socket)).toEqual([]);
    await acceptAgentRows();
    const reply = await until(() => agentStarts(socket)[0], 'the reply');
    expect(reply.data.message.reply_to).toBe(ack.data.message_id);
    const done = await until(() => socket.all('done').find((f) => f.data.message_id === reply.data.message.id), 'its done');
    expect(done.data.status).toBe('complete');
    const history = await getHistory(service, conversationId, { token: user.sessionToken });
    expect(history.messages.map((m) => [m.author.kind, m.status])).toEqual([
      ['user', 'complete'],
      ['agent', 'complete'],
    ]);
    // A reply that was only late is never called unanswered.
    expect(socket.all('unanswered')).toEqual([]);
  }, 60_000);

  it('tells the asker, live and after a reload, when the reply could not start at all, and Try again on the question answers it', async () => {
    const { user, conversationId, socket } = await openThread();
    // Refused for longer than the service tries (AGENT_REPLY_DB_RETRY_S = 3).
    await refuseAgentRows();
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'Is anyone there?', client_message_id: randomUUID() } });
    const questionId = (await socket.next('ack')).data.message_id;
    const told = await until(() => socket.all('unanswered')[0], 'the question told unanswered');
    expect(told.data.message_id).toBe(questionId);

    // A reload (or another tab) is told too, once it has caught up.
    const { ticket } = await ticketFor(service, user.sessionToken);
    const reloaded = await TestSocket.open(`${service.wsBase}conversation/${conversationId}/?token=${encodeURIComponent(ticket)}&app_type=test&stream=delta`);
    sockets.push(reloaded);
    await reloaded.next('connected');
    reloaded.send({ event: 'sync', data: { after_seq: 0 } });
    expect((await reloaded.next('unanswered')).data.message_id).toBe(questionId);

    await acceptAgentRows();
    reloaded.send({ event: 'action', data: { action: 'retry_reply', message_id: questionId } });
    const reply = await until(() => agentStarts(socket)[0], 'the reply asked for again');
    expect(reply.data.message.reply_to).toBe(questionId);
    await until(() => socket.all('done').find((f) => f.data.message_id === reply.data.message.id && f.data.status === 'complete'), 'its done');
    expect(reloaded.all('error')).toEqual([]);

    // Answered now: a later reload is told nothing.
    const { ticket: again } = await ticketFor(service, user.sessionToken);
    const later = await TestSocket.open(`${service.wsBase}conversation/${conversationId}/?token=${encodeURIComponent(again)}&app_type=test&stream=delta`);
    sockets.push(later);
    await later.next('connected');
    later.send({ event: 'sync', data: { after_seq: 0 } });
    await later.next('sync');
    await sleep(500);
    expect(later.all('unanswered')).toEqual([]);
  }, 60_000);

  it('lets a Try again that could not start be pressed again at once, not 10 minutes later', async () => {
    const { socket } = await openThread();
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'Tell me a long story.', client_message_id: randomUUID() } });
    const first = await until(() => agentStarts(socket)[0], 'the first reply');
    const replyId = first.data.message.id;
    socket.send({ event: 'action', data: { action: 'stop', message_id: replyId } });
    await until(() => socket.all('done').find((f) => f.data.message_id === replyId && f.data.status === 'stopped'), 'the stopped reply');

    // Refused for longer than the service tries (AGENT_REPLY_DB_RETRY_S = 3): this Try again gives up.
    await refuseAgentRows();
    socket.send({ event: 'action', data: { action: 'retry_reply', message_id: replyId } });
    await sleep(6_000);
    expect(agentStarts(socket)).toHaveLength(1);
    await acceptAgentRows();

    socket.send({ event: 'action', data: { action: 'retry_reply', message_id: replyId } });
    const second = await until(() => agentStarts(socket)[1], 'the reply asked for again');
    expect(second.data.message.reply_to).toBe(first.data.message.reply_to);
    expect(socket.all('error')).toEqual([]);
  }, 60_000);

  it('ends a reply once its final state is saved: readers get one done, as stored, not complete and then interrupted', async () => {
    const { user, conversationId, socket } = await openThread();
    await refuseFinishingReplies();
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'Say something.', client_message_id: randomUUID() } });
    const reply = await until(() => agentStarts(socket)[0], 'the reply');
    const replyId = reply.data.message.id;
    // The model has finished once no token came for a second; its final save is being refused.
    let tokens = -1;
    while (tokens !== socket.all('stream').length) {
      tokens = socket.all('stream').length;
      await sleep(1_000);
    }
    expect(socket.all('done')).toEqual([]);
    await acceptFinishingReplies();
    const done = await until(() => socket.all('done').find((f) => f.data.message_id === replyId), 'its done');
    expect(done.data.status).toBe('complete');
    // Longer than the stale-stream sweep needs (2 s) to end a row left `streaming`.
    await sleep(4_000);
    expect(socket.all('done').map((f) => f.data.status)).toEqual(['complete']);
    const history = await getHistory(service, conversationId, { token: user.sessionToken });
    expect(history.messages.find((m) => m.id === replyId)).toMatchObject({ status: 'complete', content: done.data.content });
  }, 60_000);
});
