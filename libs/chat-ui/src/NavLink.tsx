'use client';

import type { ReactNode } from 'react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import styles from './site.module.css';

/**
 * Whether `pathname` is the page `href` names (`page`), inside its section (`true`: a post under
 * "Posts", a thread under "Your threads"), or elsewhere.
 */
export function currentness(pathname: string | null, href: string, section: string): 'page' | 'true' | undefined {
  if (pathname === null) return undefined;
  if (pathname === href) return 'page';
  return pathname.startsWith(section) ? 'true' : undefined;
}

/**
 * A header link that says when it is where you are (`aria-current`, and shown): the root layout
 * is rendered without knowing the page, so the path is read in the browser. `label`: its
 * accessible name, when what it shows differs by screen width (SiteHeader's "Your threads").
 */
export function NavLink({ href, section, label, children }: { href: string; section: string; label?: string; children: ReactNode }) {
  const current = currentness(usePathname(), href, section);
  return (
    <Link href={href} className={styles.navLink} aria-current={current} aria-label={label}>
      {children}
    </Link>
  );
}
