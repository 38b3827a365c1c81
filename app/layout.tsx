import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { loadViewer } from '@confab/auth';
import { FocusAfterNavigation, SiteHeader } from '@confab/chat-ui';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Confab', template: '%s · Confab' },
  description: 'Talk to AI agents by text and by voice.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#0b0d12' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const viewer = await loadViewer();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SiteHeader viewer={viewer} />
        <main id="main">{children}</main>
        <FocusAfterNavigation />
      </body>
    </html>
  );
}
