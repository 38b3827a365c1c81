import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getCurrentIdentity, loadThreadPage } from '@confab/auth';
import { Conversation } from '@confab/chat-ui';
import { AgentConnectionProvider, VoiceMode, VoiceTranscript } from '@confab/livekit';
import { isVoiceConfigured } from '@confab/livekit/server';
import styles from './thread.module.css';

interface ThreadPageProps {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: ThreadPageProps): Promise<Metadata> {
  const data = await loadThreadPage((await params).id);
  return { title: data?.thread.title ?? 'Thread not found' };
}

/** One person's private thread with a post's agent: text conversation plus voice mode. */
export default async function ThreadPage({ params }: ThreadPageProps) {
  const { id } = await params;
  const [data, current] = await Promise.all([loadThreadPage(id), getCurrentIdentity()]);
  // Unknown ids and other people's threads look the same: nothing to probe.
  if (!data) notFound();
  const { thread, history } = data;

  return (
    <AgentConnectionProvider target={{ threadId: thread.id, postSlug: thread.post_slug }}>
      <div className={styles.layout}>
        <div className={styles.head}>
          <div className={styles.titles}>
            {/* One line, cut with an ellipsis: the whole title shows on hover. */}
            <h1 className={styles.title} dir="auto" title={thread.title} tabIndex={-1}>
              {thread.title}
            </h1>
            <p className={styles.sub}>
              Private thread with {thread.agent_name} · from{' '}
              <Link href={`/posts/${encodeURIComponent(thread.post_slug)}`}>{thread.post_title}</Link>
            </p>
          </div>
          <div className={styles.voice}>
            <VoiceMode
              threadId={thread.id}
              postSlug={thread.post_slug}
              voiceEnabled={thread.voice_enabled}
              voiceConfigured={isVoiceConfigured()}
              agentName={thread.agent_name}
            />
          </div>
        </div>
        <div className={styles.panel}>
          <Conversation
            conversationId={thread.conversation_id}
            initialMessages={history.messages}
            initialHasOlder={history.has_more}
            title={`You and ${thread.agent_name}`}
            viewer={current?.identity ?? null}
            emptyText={`Say hello to ${thread.agent_name}.`}
            placeholder={`Message ${thread.agent_name}`}
            aboveComposer={<VoiceTranscript agentName={thread.agent_name} className={styles.transcript} />}
            focusComposer={history.messages.length === 0}
            retryReplies
            refreshWhenFirstStored={history.messages.length === 0}
          />
        </div>
      </div>
    </AgentConnectionProvider>
  );
}
