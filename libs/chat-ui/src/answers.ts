import * as z from 'zod/mini';
import { ApiError, Count, Identity, Thread } from '@confab/protocol';

/**
 * The answers of our Next.js API routes that the page components read, validated with the
 * protocol's schemas. Loaded on demand by `callApi` (the first request a button or form makes),
 * so zod is not part of any page's first-load JavaScript.
 */

export { ApiError };

/** `POST /api/posts/:slug/threads`. */
export const CreatedThread = z.object({ thread: Thread });

/** `POST /api/auth/signin` and `/api/auth/signup`. */
export const AuthAnswer = z.object({ identity: Identity, merged_threads: Count });
