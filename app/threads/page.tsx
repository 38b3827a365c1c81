import type { Metadata } from 'next';
import Link from 'next/link';
import { loadThreads, loadViewer } from '@confab/auth';
import { DeleteThreadButton, LocalTime } from '@confab/chat-ui';
import status from '../status.module.css';
import styles from './threads.module.css';

export const metadata: Metadata = { title: 'Your threads' };

export default async function ThreadsPage() {
  const [threads, viewer] = await Promise.all([loadThreads(), loadViewer()]);
  return (
    <div className={styles.page}>
      {/* Focusable from script: after a delete, focus lands here rather than at the page's start. */}
      <h1 tabIndex={-1}>Your threads</h1>
      {(viewer.kind === 'visitor' || viewer.kind === 'anonymous') && threads.length > 0 && (
        <p className={status.notice}>
          You&apos;re not signed in: these threads live in this browser only. <Link href="/signup?next=/threads">Create an account</Link>{' '}
          to keep them.
        </p>
      )}
      {threads.length === 0 ? (
        <p className={status.empty}>
          No threads yet. Open a <Link href="/">post</Link> and start a private thread with its agent.
        </p>
      ) : (
        <ul className={styles.list}>
          {threads.map((thread) => (
            <li key={thread.id} className={styles.item}>
              <span className={styles.avatar} aria-hidden="true">
                {thread.agent_name.charAt(0).toUpperCase()}
              </span>
              <div className={styles.main}>
                {/* Titles and previews are people's words: Arabic or Hebrew reads right to left. */}
                <Link href={`/threads/${thread.id}`} className={styles.link} dir="auto">
                  {thread.title}
                </Link>
                <p className={styles.meta}>
                  {thread.agent_name} · {thread.post_title}
                </p>
                {thread.preview && (
                  <p className={styles.preview} dir="auto">
                    {thread.preview}
                  </p>
                )}
              </div>
              <div className={styles.side}>
                <LocalTime iso={thread.updated_at} className={styles.time} />
                <DeleteThreadButton threadId={thread.id} title={thread.title} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
