import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getCurrentIdentity, loadPostPage, loadViewer } from '@confab/auth';
import type { Post } from '@confab/protocol';
import { Conversation, StartThreadButton } from '@confab/chat-ui';
import { isVoiceConfigured } from '@confab/livekit/server';
import styles from './post.module.css';

interface PostPageProps {
  params: Promise<{ slug: string }>;
}

/** The persona's instructions are a system prompt; people get its first sentences as a summary. */
function summarize(instructions: string, max = 220): string {
  const text = instructions.replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20))}…`;
}

/** Who the post's agent is: name, handle, badges and what its instructions say. */
function AgentCard({ agent, demo }: { agent: Post['agent']; demo: boolean }) {
  return (
    <section className={styles.agentCard} aria-label={`Agent ${agent.name}`}>
      <div className={styles.agentHead}>
        <span className={styles.avatar} aria-hidden="true">
          {agent.name.charAt(0).toUpperCase()}
        </span>
        <div>
          <div className={styles.agentName}>{agent.name}</div>
          <div className={styles.handle}>@{agent.handle}</div>
        </div>
      </div>
      <div className={styles.badges}>
        {demo && <span className={styles.badge}>Demo agent</span>}
        {agent.voice_enabled && isVoiceConfigured() && <span className={styles.badgeMuted}>Voice</span>}
      </div>
      <p className={styles.instructions}>
        <span className={styles.instructionsLabel}>Instructions</span>
        {summarize(agent.instructions)}
      </p>
    </section>
  );
}

export async function generateMetadata({ params }: PostPageProps): Promise<Metadata> {
  const data = await loadPostPage((await params).slug);
  return { title: data?.post.title ?? 'Post not found', description: data?.post.description };
}

export default async function PostPage({ params }: PostPageProps) {
  const { slug } = await params;
  const [data, viewer, current] = await Promise.all([loadPostPage(slug), loadViewer(), getCurrentIdentity().catch(() => null)]);
  if (!data) notFound();
  const { post, history, demo } = data;
  const { agent } = post;
  const here = `/posts/${encodeURIComponent(post.slug)}`;

  const card = <AgentCard agent={agent} demo={demo} />;
  const hint = (
    <p className={styles.hint}>
      A private thread is just you and {agent.name}
      {agent.voice_enabled && isVoiceConfigured() ? ', by text or by voice' : ''}. In the shared conversation, mention @
      {agent.handle} to get an answer.
    </p>
  );

  // On a narrow screen the page stacks, and the agent's details pushed the shared conversation
  // below the first screen: there they fold into "About this agent" (a second copy, as a closed
  // <details> cannot show its content on wide screens; only one copy is displayed at a time).
  return (
    <div className={styles.layout}>
      <aside className={styles.aside}>
        <div>
          <Link href="/" className={styles.back}>
            ← All posts
          </Link>
          {/* Focusable from script: a keyboard user opening the post lands here (FocusAfterNavigation). */}
          <h1 className={styles.title} tabIndex={-1}>
            {post.title}
          </h1>
          <p className={`${styles.description} ${styles.wideOnly}`}>{post.description}</p>
        </div>
        <details className={styles.about}>
          <summary className={styles.aboutSummary}>About this agent</summary>
          <div className={styles.aboutBody}>
            <p className={styles.description}>{post.description}</p>
            {card}
            {hint}
          </div>
        </details>
        <div className={styles.wideOnly}>{card}</div>
        <StartThreadButton postSlug={post.slug} />
        <div className={styles.wideOnly}>{hint}</div>
      </aside>
      <div className={styles.panel}>
        <Conversation
          conversationId={post.conversation_id}
          initialMessages={history.messages}
          initialHasOlder={history.has_more}
          title="Shared conversation"
          initialCanWrite={viewer.kind === 'user'}
          viewer={current?.identity ?? null}
          signInHref={`/signin?next=${encodeURIComponent(here)}`}
          emptyText={`No one has said anything yet. Mention @${agent.handle} to ask ${agent.name}.`}
          placeholder={`Message everyone — mention @${agent.handle} to ask ${agent.name}`}
          // Short enough for a 320 px touch phone with Stop and Send beside it (a textarea's
          // placeholder is clipped, with no ellipsis): "Message all, or ask @marco" lost its end.
          narrowPlaceholder={`Ask @${agent.handle}`}
        />
      </div>
    </div>
  );
}
