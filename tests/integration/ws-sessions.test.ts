import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { ROOT, testSecrets } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';
import { listPosts, signOut, signUp, ticketFor, type ApiTarget } from '../support/api';

/**
 * Session checks on open sockets. The service is assembled exactly as main.ts does, in a child
 * process (PGlite cannot load inside Jest's VM), except that the periodic session check runs every
 * 200 ms instead of every minute.
 */

const SERVICE_WITH_FAST_SESSION_CHECK = `
  const { loadConfig } = require(${JSON.stringify(path.join(ROOT, 'libs/chat-service/src/config.ts'))});
  const { createLogger } = require(${JSON.stringify(path.join(ROOT, 'libs/chat-service/src/logger.ts'))});
  const { createChatService } = require(${JSON.stringify(path.join(ROOT, 'libs/chat-service/src/server.ts'))});
  const { createRealtime } = require(${JSON.stringify(path.join(ROOT, 'libs/chat-service/src/realtime/index.ts'))});
  (async () => {
    const config = loadConfig();
    const logger = createLogger(config.logLevel, 'ws-sessions-test');
    const service = await createChatService(config, logger, {
      createRealtime: (deps) => createRealtime(deps, { sessionCheckIntervalMs: 200 }),
    });
    const { port } = await service.listen();
    logger.info({ port }, 'chat service listening');
    process.on('SIGTERM', () => void service.close().then(() => process.exit(0)));
  })();
`;

let child: ChildProcess;
let target: ApiTarget & { wsBase: string };

beforeAll(async () => {
  child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['--eval', SERVICE_WITH_FAST_SESSION_CHECK], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      NODE_ENV: 'test',
      ...testSecrets(),
      PGLITE_DATA_DIR: 'memory://',
      CHAT_SERVICE_HOST: '127.0.0.1',
      CHAT_SERVICE_PORT: '0',
      ALLOWED_ORIGINS: 'http://localhost:3000',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`service exited with ${code}\n${stderr}`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /"port":(\d+).*"msg":"chat service listening"/.exec(line);
      if (match) resolve(Number(match[1]));
    });
  });
  target = { httpUrl: `http://127.0.0.1:${port}`, wsBase: `ws://127.0.0.1:${port}/ws/v1/` };
}, 90_000);

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
});

it('closes the sockets of a session that signed out with SESSION_EXPIRED (4408), and only those', async () => {
  const post = (await listPosts(target))[0]!;
  const leaving = await signUp(target);
  const staying = await signUp(target);
  const open = async (sessionToken: string) => {
    const { ticket } = await ticketFor(target, sessionToken);
    const socket = await TestSocket.open(`${target.wsBase}conversation/${post.conversation_id}/?token=${encodeURIComponent(ticket)}`);
    await socket.next('connected');
    return socket;
  };
  const leavingSocket = await open(leaving.sessionToken);
  const stayingSocket = await open(staying.sessionToken);

  await signOut(target, leaving.sessionToken);
  expect((await leavingSocket.next('error', () => true, 3_000)).data.code).toBe('SESSION_EXPIRED');
  expect(await leavingSocket.closed()).toBe(4408);

  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(stayingSocket.closeCode).toBeNull();
  stayingSocket.send({ event: 'ping' });
  await stayingSocket.next('pong');
  stayingSocket.close();
});
