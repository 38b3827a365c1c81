import { defineConfig } from 'drizzle-kit';

/** `npm run db:generate`: SQL migrations from the chat service schema, applied at start-up. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './libs/chat-service/src/db/schema.ts',
  out: './libs/chat-service/drizzle',
});
