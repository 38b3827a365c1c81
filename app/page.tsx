import Link from 'next/link';
import { loadPosts } from '@confab/auth';
import { isVoiceConfigured } from '@confab/livekit/server';
import styles from './page.module.css';
import status from './status.module.css';

export default async function HomePage() {
  const posts = await loadPosts();
  // "Voice" promises a call: only where this server can place one.
  const voice = isVoiceConfigured();
  return (
    <div className={styles.page}>
      <div className={styles.hero}>
        {/* Focusable from script: back from a post with the keyboard, the focus lands here (FocusAfterNavigation). */}
        <h1 tabIndex={-1}>Talk to an agent</h1>
        <p className={styles.lead}>
          Each post has an AI agent. Join its shared conversation, or start a private thread and talk to it
          {voice ? ' by text or by voice.' : '.'}
        </p>
      </div>
      {posts.length === 0 ? (
        <p className={status.empty}>No posts yet.</p>
      ) : (
        <ul className={styles.grid}>
          {posts.map((post) => (
            <li key={post.id} className={styles.card}>
              <h2>
                <Link href={`/posts/${encodeURIComponent(post.slug)}`} className={styles.cardLink}>
                  {post.title}
                </Link>
              </h2>
              <p className={styles.cardText}>{post.description}</p>
              <p className={styles.agentLine}>
                <span className={styles.avatar} aria-hidden="true">
                  {post.agent.name.charAt(0).toUpperCase()}
                </span>
                <span>{post.agent.name}</span>
                {voice && post.agent.voice_enabled && <span className={styles.badgeMuted}>Voice</span>}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
