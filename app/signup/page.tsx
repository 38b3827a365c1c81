import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { loadViewer } from '@confab/auth';
import { AuthForm, safeNextPath } from '@confab/chat-ui';
import styles from '../auth.module.css';

export const metadata: Metadata = { title: 'Sign up' };

interface AuthPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function SignUpPage({ searchParams }: AuthPageProps) {
  const next = safeNextPath(first((await searchParams).next));
  if ((await loadViewer()).kind === 'user') redirect(next);
  return (
    <div className={styles.page}>
      <div className={styles.card}>
        <h1>Create your account</h1>
        <p className={styles.lead}>Join shared conversations and keep your private threads on every device.</p>
        <AuthForm mode="signup" next={next} />
      </div>
    </div>
  );
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
