import Link from 'next/link';
import { NavLink } from './NavLink';
import { SignInLink } from './SignInLink';
import { SignOutButton } from './SignOutButton';
import styles from './site.module.css';

/**
 * What the header may know about the caller (never a token). `unknown`: the chat service could
 * not say (down, slow), so the header offers neither "Sign in" (a signed-in person would think
 * they were signed out) nor a name.
 */
export interface HeaderViewer {
  kind: 'user' | 'visitor' | 'anonymous' | 'unknown';
  displayName: string | null;
}

/** Top navigation. A server-renderable component: only the sign-in link and sign-out button run in the browser. */
export function SiteHeader({ viewer }: { viewer: HeaderViewer }) {
  return (
    <header className={styles.header}>
      <div className={styles.headerInner}>
        <Link href="/" className={styles.brand} aria-label="Confab home">
          <span className={styles.logo} aria-hidden="true">
            ◆
          </span>
          Confab
        </Link>
        <nav aria-label="Main" className={styles.nav}>
          <NavLink href="/" section="/posts/">
            Posts
          </NavLink>
          {/* "Threads" on a phone, to leave the signed-in name room (site.module.css); its name stays whole. */}
          <NavLink href="/threads" section="/threads/" label="Your threads">
            <span className={styles.fullLabel}>Your threads</span>
            <span className={styles.shortLabel}>Threads</span>
          </NavLink>
          {viewer.kind === 'user' && (
            <span className={styles.account}>
              {/* Its own direction (an Arabic or Hebrew name reads right to left), so a long name is cut at its end. */}
              <span className={styles.userName} data-testid="current-user" dir="auto">
                {viewer.displayName}
              </span>
              <SignOutButton />
            </span>
          )}
          {(viewer.kind === 'visitor' || viewer.kind === 'anonymous') && <SignInLink />}
        </nav>
      </div>
    </header>
  );
}
