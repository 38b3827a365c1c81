'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import styles from './site.module.css';

/** The sign-in and sign-up pages: their form is the way in, so the header offers no link of its own there. */
const AUTH_PAGES = new Set(['/signin', '/signup']);

/**
 * "Sign in" in the header brings people back to the page they were on (a guest's thread, a post):
 * the header sits in the root layout, which the server renders without knowing the page, so the
 * link reads the path in the browser.
 */
export function SignInLink({ className = styles.navCta }: { className?: string }) {
  const pathname = usePathname();
  // On the sign-in and sign-up pages the form is the way in: a second "Sign in" beside it only competes.
  if (pathname !== null && AUTH_PAGES.has(pathname)) return null;
  const href = pathname && pathname !== '/' ? `/signin?next=${encodeURIComponent(pathname)}` : '/signin';
  return (
    <Link href={href} className={className}>
      Sign in
    </Link>
  );
}
