import { createRoot, type Root } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { MessageItem } from '@confab/chat-ui';
import { wholeText, type ChatMessage, type LiveContent, type LiveText } from '@confab/chat-client';
import '../../../app/globals.css';

/**
 * One reply drawn twice, side by side in two lists of the real UI (`MessageItem`): as a finished
 * message (`Markdown`), and as it streams (the streaming renderer, given the text a few
 * characters at a time) until it ends. `streamed-reply-layout.test.ts` compares where their
 * blocks stand. Bundled for that test with esbuild, like the render benchmark's pages.
 */

const reply = (key: string, content: string, status: ChatMessage['status']): ChatMessage => ({
  key,
  id: key,
  client_message_id: null,
  seq: 1,
  author: { kind: 'agent', id: null, display_name: 'Ada' },
  content,
  status,
  source: 'text',
  model: 'gpt',
  finish_reason: status === 'complete' ? 'stop' : null,
  usage: null,
  created_at: '2026-11-29T12:00:00.000Z',
  error: null,
  mine: false,
});

/** A reply's text arriving in pieces, as `useConversation`'s live content hands it out. */
function liveSource(key: string): { live: LiveContent; add(piece: string): void } {
  let text: LiveText = wholeText('');
  const listeners = new Set<() => void>();
  return {
    live: {
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      read: (asked) => (asked === key ? text : undefined),
    },
    add(piece) {
      text = { text: text.text + piece, added: piece, previous: text };
      listeners.forEach((listener) => listener());
    },
  };
}

const frame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));

function list(root: Root, item: React.ReactNode): void {
  flushSync(() => root.render(<ol style={{ listStyle: 'none', margin: 0, padding: 0 }}>{item}</ol>));
}

async function drawBoth(text: string): Promise<void> {
  const host = document.getElementById('root');
  if (!host) return;
  host.innerHTML = '<div id="markdown" style="width:600px;float:left"></div><div id="streamed" style="width:600px;float:left"></div>';
  const markdown = createRoot(document.getElementById('markdown') as HTMLElement);
  list(markdown, <MessageItem message={reply('m', text, 'complete')} index={0} setSize={1} />);

  const streamed = createRoot(document.getElementById('streamed') as HTMLElement);
  const source = liveSource('s');
  const row = (status: ChatMessage['status'], content: string) => <MessageItem message={reply('s', content, status)} index={0} setSize={1} liveContent={source.live} />;
  list(streamed, row('streaming', ''));
  // The streaming renderer is loaded on demand: wait for its caret.
  while (!document.querySelector('#streamed [data-testid="streaming-caret"]')) await frame();
  for (let at = 0; at < text.length; at += 4) {
    source.add(text.slice(at, at + 4));
    if (at % 40 === 0) await frame();
  }
  // Marked as drawn while streaming: a reply redrawn by `Markdown` when it ends loses the mark.
  document.querySelectorAll('#streamed [class*="markdown"] > *').forEach((block) => block.setAttribute('data-drawn-while-streaming', ''));
  list(streamed, row('complete', text));
  await frame();
}

Object.assign(window, { drawBoth });
