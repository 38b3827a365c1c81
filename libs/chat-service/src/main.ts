import { loadConfig, type ChatServiceConfig } from './config';
import { createLogger, type Logger } from './logger';
import { createChatService, type ChatService } from './server';

/**
 * The chat service process (`npm run chat-service`, the launcher, integration tests). Tests wait
 * for the `chat service listening` log line with the bound `port`.
 */

// A stuck connection must not keep a terminated process alive forever.
const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  let config: ChatServiceConfig;
  try {
    config = loadConfig();
  } catch (error) {
    createLogger('error', 'chat-service').fatal({ err: error }, 'invalid configuration');
    process.exit(1);
  }
  const logger = createLogger(config.logLevel, config.instanceId);
  warnAboutGeneratedSecrets(config, logger);
  const service = await createChatService(config, logger);
  const { port, host } = await service.listen();
  logger.info({ port, host }, 'chat service listening');
  stopOnSignals(service, logger);
}

function warnAboutGeneratedSecrets(config: ChatServiceConfig, logger: Logger): void {
  if (config.generated.length === 0) return;
  logger.warn(
    { generated: config.generated },
    'using random values for unset secrets: WebSocket tickets and the internal token will not survive a restart or work across instances',
  );
}

function stopOnSignals(service: ChatService, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'chat service stopping');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    service.close().then(
      () => {
        logger.info('chat service stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  createLogger('error', 'chat-service').fatal({ err: error }, 'chat service failed to start');
  process.exit(1);
});
