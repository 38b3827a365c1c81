import { createRoot } from 'react-dom/client';
import { Conversation } from '@confab/chat-ui';
import '../../../app/globals.css';

/**
 * Confab's real conversation UI (`@confab/chat-ui` on `@confab/chat-client`'s `useConversation`),
 * mounted on its own for the streaming-render benchmark. The page server answers `/api/ws-ticket`
 * like the Next.js route does, so the hook runs unchanged. Bundled by the benchmark with esbuild.
 */

const conversationId = new URLSearchParams(window.location.search).get('conversation') ?? '';
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <main style={{ height: '100vh', display: 'flex', flexDirection: 'column' }}>
      <Conversation conversationId={conversationId} initialMessages={[]} initialHasOlder={false} title="Bench thread" />
    </main>,
  );
}
