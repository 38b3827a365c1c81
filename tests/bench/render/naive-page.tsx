import { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import useWebSocket, { ReadyState } from 'react-use-websocket';
import { parseServerFrame, streamedText, type Message } from '@confab/protocol';

/**
 * The baseline for the streaming-render benchmark: the naive way to build a chat page.
 * react-use-websocket's `lastMessage`, a fresh array per frame (`setMessages(prev => [...prev, ...])`),
 * every message rendered as a plain row (no memo, no markdown — cheaper rows than Confab's, which
 * favours this baseline), scroll to the bottom on every change. Bundled by the benchmark with esbuild.
 */

const params = new URLSearchParams(window.location.search);
const socketUrl = params.get('ws') ?? '';

function NaiveThread() {
  const [messages, setMessages] = useState<Message[]>([]);
  const { lastMessage, sendMessage, readyState } = useWebSocket(socketUrl);
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (readyState === ReadyState.OPEN) sendMessage(JSON.stringify({ event: 'sync', data: { after_seq: 0 } }));
  }, [readyState, sendMessage]);

  /* eslint-disable react-hooks/set-state-in-effect -- this is the naive pattern the benchmark measures against */
  useEffect(() => {
    if (!lastMessage || typeof lastMessage.data !== 'string') return;
    const parsed = parseServerFrame(lastMessage.data);
    if (!parsed.ok) return;
    const frame = parsed.frame;
    if (frame.event === 'sync') setMessages((prev) => [...prev, ...frame.data.messages]);
    else if (frame.event === 'message') {
      const m = frame.data.message;
      setMessages((prev) => (prev.some((p) => p.id === m.id) ? prev.map((p) => (p.id === m.id ? m : p)) : [...prev, m]));
    } else if (frame.event === 'stream') {
      const d = frame.data;
      setMessages((prev) => prev.map((p) => (p.id === d.message_id ? { ...p, content: streamedText(p.content, d) ?? p.content, status: 'streaming' } : p)));
    } else if (frame.event === 'done') {
      const d = frame.data;
      setMessages((prev) => prev.map((p) => (p.id === d.message_id ? { ...p, content: d.content, status: d.status } : p)));
    }
  }, [lastMessage]);
  /* eslint-enable react-hooks/set-state-in-effect */

  useEffect(() => {
    bottom.current?.scrollIntoView();
  }, [messages]);

  return (
    <main style={{ maxWidth: 720, margin: '0 auto', fontFamily: 'system-ui, sans-serif' }}>
      <h1>Naive thread</h1>
      <ul style={{ listStyle: 'none', padding: 0 }}>
        {messages.map((m) => (
          <li key={m.id} data-status={m.status} data-author-kind={m.author.kind} style={{ margin: '8px 0' }}>
            <strong>{m.author.display_name}</strong>
            <div style={{ whiteSpace: 'pre-wrap' }}>{m.content}</div>
          </li>
        ))}
      </ul>
      <div ref={bottom} />
    </main>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<NaiveThread />);
