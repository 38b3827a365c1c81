import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { loadViewer } from '@confab/auth';
import { AuthForm, safeNextPath } from '@confab/chat-ui';
import styles from '../auth.module.css';

export const metadata: Metadata = { title: 'Sign in' };

interface AuthPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function SignInPage({ searchParams }: AuthPageProps) {
  const next = safeNextPath(first((await searchParams).next));
  if ((await loadViewer()).kind === 'user') redirect(next);
  return (
    <div className={styles.page}>
      <div className={styles.card}>
        <h1>Sign in</h1>
        <p className={styles.lead}>Welcome back. Threads you started as a guest in this browser come with you.</p>
        <AuthForm mode="signin" next={next} />
      </div>
    </div>
  );
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
