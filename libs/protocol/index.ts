/** @confab/protocol — the wire contract between browser, Next.js app, chat service and voice agent. */
export * from './src/limits';
export * from './src/close-codes';
export * from './src/socket';
export * from './src/errors';
export * from './src/models';
export * from './src/ws';
export * from './src/rest';
export * from './src/stream-text';
export * from './src/plain-text';
export * from './src/dialogue-order';
export * from './src/page-errors';
