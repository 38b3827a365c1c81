import { unstable_rethrow } from 'next/navigation';
import { cache } from 'react';
import { Id, type HistoryResponse, type Identity, type Post, type Thread } from '@confab/protocol';
import { isDemoAgent } from './demo';
import { serverEnv } from './env';
import { isNotFound } from './errors';
import { getCurrentIdentity, requestChatService } from './identity';
import { logger } from './logger';

/**
 * Data loaders for server components. Each reads the caller's session from the cookies and
 * calls the chat service with it; "not found" comes back as null so pages can call notFound().
 */

/** What the UI may know about the caller: never the token. `unknown`: the chat service could not say. */
export interface Viewer {
  kind: Identity['kind'] | 'anonymous' | 'unknown';
  displayName: string | null;
}

/**
 * For the layout's header. The header must not take every page down with it: if the chat
 * service is unreachable, the caller is `unknown` (not "signed out": a signed-in person shown
 * "Sign in" would think their session was lost) and the page reports the outage.
 */
export async function loadViewer(): Promise<Viewer> {
  try {
    const current = await getCurrentIdentity();
    if (!current) return { kind: 'anonymous', displayName: null };
    return { kind: current.identity.kind, displayName: current.identity.display_name };
  } catch (error) {
    // Next.js signals "this page reads cookies, render it per request" by throwing during
    // `next build`: hand that back to Next instead of logging it as an outage.
    unstable_rethrow(error);
    logger.warn({ err: error }, 'could not resolve the caller for the header');
    return { kind: 'unknown', displayName: null };
  }
}

export async function loadPosts(): Promise<Post[]> {
  const current = await getCurrentIdentity();
  return (await (await requestChatService()).listPosts(current?.sessionToken)).posts;
}

export interface PostPageData {
  post: Post;
  demo: boolean;
  history: HistoryResponse;
}

/** Memoized per request: generateMetadata and the page share one set of calls. */
export const loadPostPage = cache(async (slug: string): Promise<PostPageData | null> => {
  const current = await getCurrentIdentity();
  const chat = await requestChatService();
  try {
    const { post } = await chat.getPost(slug, current?.sessionToken);
    const history = await chat.history(post.conversation_id, {}, current?.sessionToken);
    return { post, history, demo: isDemoAgent(post.agent, serverEnv().OPENAI_BASE_URL) };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
});

export interface ThreadPageData {
  thread: Thread;
  history: HistoryResponse;
}

/** Null for ids that are not UUIDs, unknown threads and other people's threads alike. */
export const loadThreadPage = cache(async (id: string): Promise<ThreadPageData | null> => {
  if (!Id.safeParse(id).success) return null;
  const current = await getCurrentIdentity();
  if (!current) return null;
  const chat = await requestChatService();
  try {
    const { thread } = await chat.getThread(current.sessionToken, id);
    const history = await chat.history(thread.conversation_id, {}, current.sessionToken);
    return { thread, history };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
});

export async function loadThreads(): Promise<Thread[]> {
  const current = await getCurrentIdentity();
  if (!current) return [];
  return (await (await requestChatService()).listThreads(current.sessionToken)).threads;
}
