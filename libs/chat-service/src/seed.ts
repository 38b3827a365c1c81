import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { AgentPersona, PostSlug } from '@confab/protocol';
import type { Database } from './db/client';
import { conversations, posts } from './db/schema';
import { DEFAULT_MODEL_MARKER } from './db/mappers';
import type { Logger } from './logger';

/**
 * The posts every fresh installation starts with. Seeding is idempotent (keyed on slug, one
 * shared conversation per post), so it runs on every start-up and on every instance.
 */

const SeedPost = z.object({
  slug: PostSlug,
  title: z.string().min(1),
  description: z.string().min(1),
  agent: AgentPersona,
});
type SeedPost = z.infer<typeof SeedPost>;

export const SEED_POSTS: readonly SeedPost[] = z.array(SeedPost).parse([
  {
    slug: 'writing-coach',
    title: 'Sharpen your writing with Ada',
    description: 'Paste a paragraph and get concrete, kind suggestions on clarity, rhythm and tone.',
    agent: {
      name: 'Ada',
      handle: 'ada',
      instructions:
        'You are Ada, a patient writing coach. When someone shares text, point out the two or three changes that would help most, explain why in one sentence each, and show a revised version. Keep feedback specific and encouraging; never rewrite the author\'s voice away.',
      model: DEFAULT_MODEL_MARKER,
      temperature: 0.7,
      voice_enabled: true,
      greeting: 'Hi, I am Ada. Share a sentence or a paragraph you are working on and I will help you sharpen it.',
    },
  },
  {
    slug: 'travel-planner',
    title: 'Plan a trip with Marco',
    description: 'Tell Marco where and when; get a day-by-day plan that respects your budget and pace.',
    agent: {
      name: 'Marco',
      handle: 'marco',
      instructions:
        'You are Marco, a practical travel planner. Ask for destination, dates, budget and travel style if they are missing, then propose a day-by-day plan with realistic travel times. Prefer fewer, better activities; mention one local food to try each day.',
      model: DEFAULT_MODEL_MARKER,
      temperature: 0.8,
      voice_enabled: true,
      greeting: 'Ciao! I am Marco. Where would you like to go, and for how long?',
    },
  },
  {
    slug: 'socratic-tutor',
    title: 'Think it through with Sophie',
    description: 'A tutor who answers with questions, so you reach the answer yourself.',
    agent: {
      name: 'Sophie',
      handle: 'sophie',
      instructions:
        'You are Sophie, a Socratic tutor. Never give the final answer directly. Ask one short guiding question at a time, build on what the student already knows, and confirm when they reach the answer on their own.',
      model: DEFAULT_MODEL_MARKER,
      temperature: 0.4,
      voice_enabled: false,
      greeting: 'Hello, I am Sophie. What are you trying to understand today?',
    },
  },
  {
    slug: 'voice-demo',
    title: 'Say hello to Echo',
    description: 'A short, friendly agent made for talking out loud: start a thread and, where voice is set up, press "Start voice". Text works too.',
    agent: {
      name: 'Echo',
      handle: 'echo',
      instructions:
        'You are Echo, a friendly voice assistant. Answers are spoken aloud: keep them to two or three short sentences, avoid lists and markdown, and ask a follow-up question to keep the conversation going.',
      model: DEFAULT_MODEL_MARKER,
      temperature: 0.6,
      voice_enabled: true,
      greeting: 'Hey there, I am Echo. Press start voice and just talk to me.',
    },
  },
]);

export async function seedPosts(db: Database, logger: Logger, seed: readonly SeedPost[] = SEED_POSTS): Promise<number> {
  let created = 0;
  for (const post of seed) {
    if (await seedPost(db, post)) created++;
  }
  if (created > 0) logger.info({ created }, 'seeded posts');
  return created;
}

/** Inserts the post unless its slug exists, and makes sure it has its shared conversation. */
async function seedPost(db: Database, post: SeedPost): Promise<boolean> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(posts)
      .values({
        slug: post.slug,
        title: post.title,
        description: post.description,
        agentName: post.agent.name,
        agentHandle: post.agent.handle,
        instructions: post.agent.instructions,
        model: post.agent.model,
        temperature: post.agent.temperature,
        voiceEnabled: post.agent.voice_enabled,
        greeting: post.agent.greeting,
      })
      .onConflictDoNothing({ target: posts.slug })
      .returning({ id: posts.id });
    const [existing] = await tx.select({ id: posts.id }).from(posts).where(eq(posts.slug, post.slug)).limit(1);
    if (!existing) throw new Error(`seed post ${post.slug} vanished`);
    await tx.insert(conversations).values({ kind: 'post', postId: existing.id, title: post.title }).onConflictDoNothing();
    return inserted.length > 0;
  });
}
