import { Redis } from 'ioredis';
import type { Logger } from '../logger';

/**
 * The two Redis connections one chat service instance holds. A connection in subscriber mode
 * cannot run other commands, so publishing, the shared rate limiter and stream snapshots use
 * `commands`, and every channel subscription (conversation frames, stop requests) uses `subscriber`.
 */
export interface RedisConnections {
  commands: Redis;
  subscriber: Redis;
  /** QUIT both (pending commands are sent first); falls back to a hard disconnect if Redis is gone. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const QUIT_TIMEOUT_MS = 2_000;

/** Reconnect quickly at first, then every 2 s at most: pub/sub loses frames while disconnected. */
function retryDelay(attempt: number): number {
  return Math.min(attempt * 100, 2_000);
}

function connect(url: string, role: 'commands' | 'subscriber', log: Logger): Redis {
  const client = new Redis(url, {
    connectionName: `confab-${role}`,
    retryStrategy: retryDelay,
    // Commands wait for the connection while it reconnects (bounded by ioredis' retry count), and
    // the subscriber re-subscribes every channel by itself once it is back (autoResubscribe).
    maxRetriesPerRequest: role === 'subscriber' ? null : 3,
    autoResubscribe: true,
  });
  let wasReady = false;
  client.on('ready', () => {
    if (wasReady) log.warn({ role }, 'Redis connection restored');
    wasReady = true;
  });
  client.on('reconnecting', (delayMs: number) => log.warn({ role, delayMs }, 'Redis connection lost; reconnecting'));
  // Without an 'error' listener ioredis would print every failed attempt to stderr.
  client.on('error', (error: Error) => log.debug({ role, err: error }, 'Redis connection error'));
  return client;
}

function whenReady(client: Redis, url: string): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis at ${redactUrl(url)} did not answer within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}

async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), QUIT_TIMEOUT_MS).unref());
  const result = await Promise.race([client.quit().catch(() => 'failed' as const), timeout]);
  if (result !== 'OK') client.disconnect();
}

/** Passwords in a URL must not reach the logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparseable URL)';
  }
}

/** Opens both connections and waits until Redis answers, so a wrong REDIS_URL fails the start-up loudly. */
export async function openRedisConnections(url: string, logger: Logger): Promise<RedisConnections> {
  const log = logger.child({ component: 'redis' });
  const commands = connect(url, 'commands', log);
  const subscriber = connect(url, 'subscriber', log);
  const close = async () => {
    await Promise.all([quit(commands), quit(subscriber)]);
  };
  try {
    await Promise.all([whenReady(commands, url), whenReady(subscriber, url)]);
  } catch (error) {
    commands.disconnect();
    subscriber.disconnect();
    throw error;
  }
  log.info({ url: redactUrl(url) }, 'Redis connected');
  return { commands, subscriber, close };
}
