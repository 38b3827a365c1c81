import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callApi } from './api-client';

/** A real HTTP server on loopback answering every request with `status` and `body`. */
async function answering(status: number, body: unknown): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/x`, server };
}

const THREAD = {
  id: '11111111-1111-4111-8111-111111111111',
  conversation_id: '11111111-1111-4111-8111-111111111111',
  post_slug: 'p',
  post_title: 'P',
  agent_name: 'A',
  voice_enabled: false,
  title: 'T',
  owner: 'visitor',
  last_seq: 0,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

describe('callApi', () => {
  it('parses an answer with the schema it picks, and an error body into its code and words', async () => {
    const ok = await answering(201, { thread: THREAD });
    const refused = await answering(429, { error: { code: 'RATE_LIMIT', message: 'Slow down.' } });
    try {
      await expect(callApi(ok.url, { method: 'POST', body: {} }, (a) => a.CreatedThread)).resolves.toEqual({ ok: true, data: { thread: THREAD } });
      await expect(callApi(refused.url, { method: 'POST' }, null)).resolves.toEqual({ ok: false, status: 429, code: 'RATE_LIMIT', message: 'Slow down.' });
    } finally {
      ok.server.close();
      refused.server.close();
    }
  });

  it('says the server is unreachable only when it is', async () => {
    const gone = await answering(200, {});
    gone.server.close();
    await expect(callApi(gone.url, { method: 'GET' }, null)).resolves.toMatchObject({ ok: false, code: 'NETWORK' });
  });

  it('when the schemas cannot load after the server acted, says it was done and to reload', async () => {
    const ok = await answering(201, { thread: THREAD });
    try {
      await jest.isolateModulesAsync(async () => {
        jest.doMock('./answers', () => {
          throw new Error('Loading chunk failed');
        });
        const { callApi: isolated } = await import('./api-client');
        const result = await isolated(ok.url, { method: 'POST', body: {} }, (a) => a.CreatedThread);
        expect(result).toMatchObject({ ok: false, status: 201, code: 'APP_NOT_LOADED' });
        expect(result.ok ? '' : result.message).toMatch(/did it.*Reload the page/);
      });
    } finally {
      ok.server.close();
    }
  });
});
