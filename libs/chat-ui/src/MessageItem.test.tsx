/** @jest-environment jsdom */
import { StrictMode } from 'react';
import { act, render } from '@testing-library/react';
import type { ChatMessage } from '@confab/chat-client';
import { loadStreamingRenderer, MessageItem } from './MessageItem';

const reply: ChatMessage = {
  key: 'reply-1',
  id: 'reply-1',
  client_message_id: null,
  seq: 2,
  author: { kind: 'agent', id: null, display_name: 'Agent' },
  content: 'Hello **there**',
  status: 'streaming',
  source: 'text',
  model: null,
  finish_reason: null,
  usage: null,
  created_at: new Date(0).toISOString(),
  error: null,
  mine: false,
};

/** Lets the renderer's module promise (and what was chained on it) settle. */
const renderLoaded = async (): Promise<void> => {
  await act(async () => {
    await loadStreamingRenderer();
    await Promise.resolve();
  });
};

describe('a streaming reply leaves no timer behind', () => {
  let started: jest.SpyInstance;
  let cleared: jest.SpyInstance;
  /** Intervals started and not cleared (the caret's blink is one). */
  const running = (): number => {
    const gone = new Set(cleared.mock.calls.map(([id]: unknown[]) => id));
    return started.mock.results.filter(({ value }) => !gone.has(value)).length;
  };
  beforeEach(() => {
    jest.useFakeTimers();
    started = jest.spyOn(globalThis, 'setInterval');
    cleared = jest.spyOn(globalThis, 'clearInterval');
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('when its row goes before the renderer has loaded (the reply ended, the conversation changed)', async () => {
    const { unmount } = render(<MessageItem message={reply} index={0} setSize={1} />);
    unmount();
    await renderLoaded();
    expect(running()).toBe(0);
  });

  it('in Strict Mode (effects run, are cleaned up and run again)', async () => {
    const { container, unmount } = render(
      <StrictMode>
        <MessageItem message={reply} index={0} setSize={1} />
      </StrictMode>,
    );
    await renderLoaded();
    expect(running()).toBe(1);
    expect(container.querySelectorAll('[data-testid="streaming-caret"]')).toHaveLength(1);
    expect(container.querySelector('strong')?.textContent).toBe('there');
    unmount();
    expect(running()).toBe(0);
  });
});

describe('a reply that did not end by itself', () => {
  it.each([
    ['length', 'Cut off — the reply reached its length limit'],
    ['time_limit', 'Cut off — the reply took too long'],
  ])('says it was cut off (finish_reason %s), so it does not read as the whole answer', (finishReason, note) => {
    const { container } = render(<MessageItem message={{ ...reply, status: 'complete', finish_reason: finishReason }} index={0} setSize={1} />);
    expect(container.textContent).toContain(note);
  });

  it('says nothing more for a reply that ended by itself', () => {
    const { container } = render(<MessageItem message={{ ...reply, status: 'complete', finish_reason: 'stop' }} index={0} setSize={1} />);
    expect(container.textContent).not.toContain('Cut off');
  });
});
