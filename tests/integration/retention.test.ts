import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createThread, createVisitor, getHistory, me, postVoiceMessage, signUp } from '../support/api';
import { startChatService, testSecrets, type RunningChatService } from '../support/chat-service';
import { startPostgres, type RunningPostgres } from '../support/postgres-server';

/**
 * Retention, on a real PostgreSQL (so the test can age rows the way months would): sessions that
 * ended more than a day ago are deleted, and so are visitors left without a session, with their
 * threads; live people and everything of theirs stay.
 */
describe('retention sweep', () => {
  let postgres: RunningPostgres | null = null;
  let service: RunningChatService | null = null;
  let sql: Client | null = null;

  beforeAll(async () => {
    postgres = await startPostgres('confab_retention');
    service = await startChatService({ env: { ...testSecrets(), DATABASE_URL: postgres.url, RETENTION_SWEEP_INTERVAL_S: '1' } });
    sql = new Client({ connectionString: postgres.url });
    await sql.connect();
  }, 90_000);

  afterAll(async () => {
    await sql?.end();
    await service?.stop();
    await postgres?.stop();
  });

  it("deletes a visitor whose session ended long ago, with its thread; a live visitor's and a user's things stay", async () => {
    const target = service!;
    const gone = await createVisitor(target);
    const goneThread = await createThread(target, gone.sessionToken);
    await postVoiceMessage(target, goneThread.id, { role: 'user', content: 'remember me?', client_message_id: randomUUID() });
    const live = await createVisitor(target);
    const liveThread = await createThread(target, live.sessionToken);
    const user = await signUp(target);
    const userThread = await createThread(target, user.sessionToken);

    // Six months later for the first visitor: its session ended two days ago.
    await sql!.query(`UPDATE sessions SET expires_at = now() - interval '2 days', created_at = now() - interval '182 days' WHERE visitor_id = $1`, [gone.identity.id]);
    await sql!.query(`UPDATE visitors SET created_at = now() - interval '182 days' WHERE id = $1`, [gone.identity.id]);

    const count = async (query: string, id: string): Promise<number> => Number((await sql!.query<{ n: string }>(query, [id])).rows[0]?.n);
    const deadline = Date.now() + 10_000;
    while ((await count('SELECT count(*) AS n FROM visitors WHERE id = $1', gone.identity.id)) > 0) {
      if (Date.now() > deadline) throw new Error('the sweep did not delete the visitor within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await count('SELECT count(*) AS n FROM sessions WHERE visitor_id = $1', gone.identity.id)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM conversations WHERE id = $1', goneThread.id)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM messages WHERE conversation_id = $1', goneThread.id)).toBe(0);

    // Everyone else is as they were.
    await expect(me(target, live.sessionToken)).resolves.toMatchObject({ identity: live.identity });
    await expect(getHistory(target, liveThread.id, { token: live.sessionToken })).resolves.toMatchObject({ messages: [] });
    await expect(me(target, user.sessionToken)).resolves.toMatchObject({ identity: user.identity });
    await expect(getHistory(target, userThread.id, { token: user.sessionToken })).resolves.toMatchObject({ messages: [] });
  }, 60_000);
});
