import { z } from 'zod';
import { CreateThreadBody, HISTORY_PAGE_MAX_BYTES, HISTORY_PAGE_SIZE, HistoryQuery, PostSlug, type HistoryResponse } from '@confab/protocol';
import { createVoiceStartLimiter } from '../../auth/rate-limit';
import type { Principal } from '../../contracts';
import type { HttpApp, HttpDeps } from '../deps';
import { fail } from '../errors';
import { IdParams, optionalPrincipal, parseInput, requirePrincipal } from '../request';

const SlugParams = z.object({ slug: z.string().min(1).max(100) });

/** The post's slug, or null when it could not name one (`%00`, upper case): that post does not exist. */
function slugOf(params: unknown): string | null {
  const { slug } = parseInput(SlugParams, params);
  return PostSlug.safeParse(slug).success ? slug : null;
}

/** Posts, threads and message history: what people browse. */
export function registerConversationRoutes(app: HttpApp, deps: HttpDeps): void {
  const { auth, catalog, store, access, endConversation, budgets, config } = deps;
  const voiceStarts = createVoiceStartLimiter(budgets, config.voiceStarts);

  /** The caller's own thread; someone else's and none answer the same, so ids cannot be probed. */
  const ownedThread = async (principal: Principal, params: unknown) => {
    const { id } = parseInput(IdParams, params);
    const found = await catalog.getThread(id);
    const owned = found && found.owner.kind === principal.identity.kind && found.owner.id === principal.identity.id;
    if (!owned) throw fail.notFound('This thread');
    return found.thread;
  };

  app.get('/v1/posts', async () => ({ posts: await catalog.listPosts() }));

  app.get('/v1/posts/:slug', async (request) => {
    const slug = slugOf(request.params);
    const post = slug === null ? null : await catalog.getPost(slug);
    if (!post) throw fail.notFound('This post');
    return { post };
  });

  app.post('/v1/posts/:slug/threads', async (request, reply) => {
    const principal = await requirePrincipal(auth, request);
    const slug = slugOf(request.params);
    const body = parseInput(CreateThreadBody, request.body ?? {});
    const opened = slug === null ? null : await catalog.createThread(slug, principal.identity, body.title);
    if (!opened) throw fail.notFound('This post');
    return reply.code(opened.created ? 201 : 200).send({ thread: opened.thread });
  });

  app.get('/v1/threads', async (request) => {
    const principal = await requirePrincipal(auth, request);
    return { threads: await catalog.listThreads(principal.identity) };
  });

  app.delete('/v1/threads/:id', async (request, reply) => {
    const principal = await requirePrincipal(auth, request);
    const { id } = parseInput(IdParams, request.params);
    // Someone else's thread and no thread answer the same, so ids cannot be probed.
    if (!(await catalog.deleteThread(id, principal.identity))) throw fail.notFound('This thread');
    store.forgetConversation(id);
    endConversation(id, 'This thread was deleted.');
    return reply.code(204).send();
  });

  app.get('/v1/threads/:id', async (request) => {
    const principal = await requirePrincipal(auth, request);
    return { thread: await ownedThread(principal, request.params) };
  });

  /**
   * A voice session is about to start in the thread (the web server asks before it mints a room
   * token): counted here, so every web server and instance draws on one budget per person.
   */
  app.post('/v1/threads/:id/voice-starts', async (request, reply) => {
    const principal = await requirePrincipal(auth, request);
    const thread = await ownedThread(principal, request.params);
    if (!thread.voice_enabled) throw fail.voiceDisabled();
    const wait = await voiceStarts.take(principal.identity);
    if (wait !== null) throw fail.rateLimit(wait, `Voice was started too often. Try again in ${wait} s.`);
    return reply.code(204).send();
  });

  app.get('/v1/conversations/:id/messages', async (request): Promise<HistoryResponse> => {
    const { id } = parseInput(IdParams, request.params);
    const query = parseInput(HistoryQuery, request.query);
    const principal = await optionalPrincipal(auth, request);
    const conversation = await store.getConversation(id);
    // Unknown and not-yours look the same, so conversation ids cannot be probed.
    if (!conversation || !access.canRead(conversation, principal)) throw fail.notFound('This conversation');
    const page = await store.listMessages(id, {
      afterSeq: query.after_seq,
      beforeSeq: query.before_seq,
      limit: query.limit ?? HISTORY_PAGE_SIZE,
      maxBytes: HISTORY_PAGE_MAX_BYTES,
    });
    return { messages: page.messages, has_more: page.hasMore, last_seq: page.lastSeq };
  });
}
