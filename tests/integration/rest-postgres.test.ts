import { randomUUID } from 'node:crypto';
import { createThread, getHistory, listPosts, postVoiceMessage, signUp } from '../support/api';
import { startChatService, testSecrets, type RunningChatService } from '../support/chat-service';
import { startPostgres, type RunningPostgres } from '../support/postgres-server';

/**
 * Two chat service instances on one real PostgreSQL server (started by the test on loopback):
 * the production shape. Fails with an install hint when PostgreSQL is missing (.ci/run installs it).
 */
describe('two instances on one PostgreSQL', () => {
  let postgres: RunningPostgres | null = null;
  let instances: RunningChatService[] = [];

  beforeAll(async () => {
    postgres = await startPostgres();
    const shared = { ...testSecrets(), DATABASE_URL: postgres.url };
    // Started together: migrations and seeding must not trip over each other.
    instances = await Promise.all([startChatService({ env: shared }), startChatService({ env: shared })]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await postgres?.stop();
  });

  it('migrates and seeds once: both instances see the same posts', async () => {
    const [a, b] = instances;
    const postsA = await listPosts(a!);
    expect(postsA.length).toBeGreaterThanOrEqual(3);
    expect(await listPosts(b!)).toEqual(postsA);
  });

  it('allocates seqs 1..N with no gaps when both instances append to one thread at once', async () => {
    const [a, b] = instances;
    const user = await signUp(a!);
    const thread = await createThread(b!, user.sessionToken);

    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        postVoiceMessage(i % 2 ? a! : b!, thread.id, { role: 'user', content: `turn ${i}`, client_message_id: randomUUID() }),
      ),
    );

    const expected = Array.from({ length: 60 }, (_, i) => i + 1);
    expect(results.map((r) => r.message.seq).sort((x, y) => x - y)).toEqual(expected);
    const history = await getHistory(a!, thread.id, { token: user.sessionToken, limit: 200 });
    expect(history.messages.map((m) => m.seq)).toEqual(expected);
  }, 60_000);

  it('stores a turn once when its retries land on both instances at the same time', async () => {
    const [a, b] = instances;
    const user = await signUp(b!);
    const thread = await createThread(a!, user.sessionToken);

    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        postVoiceMessage(i % 2 ? a! : b!, thread.id, { role: 'agent', content: 'Once.', client_message_id: 'segment-1' }),
      ),
    );

    expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect((await getHistory(b!, thread.id, { token: user.sessionToken })).last_seq).toBe(1);
  }, 30_000);
});
