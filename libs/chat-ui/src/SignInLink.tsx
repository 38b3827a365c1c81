'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import styles from './site.module.css';

/** The sign-in page's own paths: signing in from there keeps the `?next=` it already has. */
const AUTH_PAGES = new Set(['/signin', '/signup']);

/**
 * "Sign in" in the header brings people back to the page they were on (a guest's thread, a post):
 * the header sits in the root layout, which the server renders without knowing the page, so the
 * link reads the path in the browser.
 */
export function SignInLink() {
  const pathname = usePathname();
  const href = pathname && pathname !== '/' && !AUTH_PAGES.has(pathname) ? `/signin?next=${encodeURIComponent(pathname)}` : '/signin';
  return (
    <Link href={href} className={styles.navCta}>
      Sign in
    </Link>
  );
}
