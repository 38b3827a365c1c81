import type { ChatMessage } from '@confab/chat-client';
import { announcement, announcementSignature, spokenText, type AnnouncedView } from './announcements';

const bob = { kind: 'user' as const, id: '11111111-1111-4111-8111-111111111111', display_name: 'Bob' };
const ada = { kind: 'agent' as const, id: null, display_name: 'Ada' };

function msg(key: string, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    key,
    id: key,
    client_message_id: null,
    seq: null,
    author: bob,
    content: `text of ${key}`,
    status: 'complete',
    source: 'text',
    model: null,
    finish_reason: null,
    usage: null,
    created_at: '2026-11-28T12:00:00.000Z',
    error: null,
    mine: false,
    ...overrides,
  };
}

const view = (
  messages: ChatMessage[],
  status: AnnouncedView['connection']['status'] = 'open',
  reason: string | null = null,
  unanswered: string | null = null,
): AnnouncedView => ({ messages, connection: { status, reason }, unanswered });

describe('announcement', () => {
  const history = [msg('a'), msg('b')];

  it("tells someone else's new message, by name", () => {
    expect(announcement(view(history), view([...history, msg('c', { content: 'Lunch at **noon**?' })]))).toBe('Bob said: Lunch at noon?');
  });

  it('says nothing of my own messages, nor of older pages loaded at the top', () => {
    expect(announcement(view(history), view([...history, msg('c', { mine: true })]))).toBeNull();
    expect(announcement(view(history), view([msg('older'), ...history]))).toBeNull();
  });

  it("tells an agent's reply once it has finished, not at its first token or any token after", () => {
    const streaming = msg('r', { author: ada, status: 'streaming', content: 'Hel' });
    const started = view([...history, streaming]);
    expect(announcement(view(history), started)).toBeNull();
    const grown = view([...history, { ...streaming, content: 'Hello the' }]);
    expect(announcement(started, grown)).toBeNull();
    expect(announcement(grown, view([...history, { ...streaming, status: 'complete', content: 'Hello there.' }]))).toBe('Ada replied: Hello there.');
  });

  it('tells a reply that finished while someone else wrote after it', () => {
    const streaming = msg('r', { author: ada, status: 'streaming' });
    const before = view([...history, streaming, msg('c')]);
    expect(announcement(before, view([...history, { ...streaming, status: 'stopped', content: 'Half' }, msg('c')]))).toBe("Ada's reply was stopped: Half");
  });

  it('sums up several messages at once (a catch-up after reconnecting) and reads the latest', () => {
    expect(announcement(view(history), view([...history, msg('c'), msg('d', { content: 'Last one' })]))).toBe('2 new messages. The latest: Bob said: Last one');
  });

  it('tells the connection dropping and coming back, not its countdown', () => {
    expect(announcement(view(history, 'open'), view(history, 'reconnecting'))).toBe('Connection lost. Reconnecting…');
    expect(announcement(view(history, 'reconnecting'), view(history, 'reconnecting'))).toBeNull();
    expect(announcement(view(history, 'reconnecting'), view(history, 'open'))).toBe('Connected again.');
    expect(announcement(view(history, 'connecting'), view(history, 'open'))).toBeNull();
  });

  it('says why the connection dropped when the client knows, as the connection line does', () => {
    expect(announcement(view(history, 'open'), view(history, 'reconnecting', 'Connection lost.'))).toBe('Connection lost. Reconnecting…');
    expect(announcement(view(history, 'open'), view(history, 'reconnecting', 'The server is busy.'))).toBe('The server is busy. Reconnecting…');
    // A reason that is not one of the short known causes is not read out (the line does not show it either).
    expect(announcement(view(history, 'open'), view(history, 'reconnecting', 'Your connection ticket expired.'))).toBe('Connection lost. Reconnecting…');
  });

  it("tells a first connection that cannot reach the server, once, and not a first connect's noise", () => {
    const unreachable = view(history, 'reconnecting', "Can't reach the chat server.");
    expect(announcement(view(history, 'connecting'), unreachable)).toBe("Can't reach the chat server. Reconnecting…");
    // The countdown's ticks and the next attempts with the same cause say nothing more.
    expect(announcement(unreachable, view(history, 'reconnecting', "Can't reach the chat server."))).toBeNull();
    // A first connect that retries for a reason the client does not know (a ticket's own words) stays quiet.
    expect(announcement(view(history, 'connecting'), view(history, 'reconnecting', 'Your connection ticket expired.'))).toBeNull();
    expect(announcement(view(history, 'connecting'), view(history, 'reconnecting'))).toBeNull();
  });

  it('tells a known cause that changes while reconnecting, not one that goes away', () => {
    const lost = view(history, 'reconnecting', 'Connection lost.');
    expect(announcement(lost, view(history, 'reconnecting', "Can't reach the chat server."))).toBe("Can't reach the chat server. Reconnecting…");
    expect(announcement(lost, view(history, 'reconnecting', 'Internal error, try later'))).toBeNull();
  });

  it("tells once that the agent couldn't answer my question, where Try again is", () => {
    const question = msg('q', { mine: true });
    const told = view([...history, question], 'open', null, 'q');
    expect(announcement(view([...history, question]), told)).toBe("The agent couldn't answer your message. Try again is below it.");
    expect(announcement(told, view([...history, question], 'open', null, 'q'))).toBeNull();
    expect(announcement(told, view([...history, question, msg('r', { author: ada })]))).toBe('Ada replied: text of r');
  });
});

describe('spokenText', () => {
  it('drops markdown marks, list bullets and fence lines, and keeps link text', () => {
    expect(spokenText('## Plan\n\n- **one** and `two`, _three_ my_var\n- see [the docs](https://example.com)\n\n```sh\nnpm ci\n```')).toBe('Plan one and two, three my_var see the docs npm ci');
  });

  it('cuts a long message', () => {
    const spoken = spokenText('word '.repeat(100));
    expect(spoken.length).toBe(200);
    expect(spoken.endsWith('…')).toBe(true);
  });
});

describe('announcementSignature', () => {
  it('stays the same while a reply streams, and changes when it finishes or a message comes', () => {
    const streaming = msg('r', { author: ada, status: 'streaming', content: 'Hel' });
    const before = announcementSignature(view([msg('a'), streaming]));
    expect(announcementSignature(view([msg('a'), { ...streaming, content: 'Hello there' }]))).toBe(before);
    expect(announcementSignature(view([msg('a'), { ...streaming, status: 'complete' }]))).not.toBe(before);
    expect(announcementSignature(view([msg('a'), streaming, msg('b')]))).not.toBe(before);
    expect(announcementSignature(view([msg('a'), streaming], 'reconnecting'))).not.toBe(before);
    const reconnecting = announcementSignature(view([msg('a'), streaming], 'reconnecting'));
    expect(announcementSignature(view([msg('a'), streaming], 'reconnecting', "Can't reach the chat server."))).not.toBe(reconnecting);
    expect(announcementSignature(view([msg('a'), streaming], 'open', null, 'a'))).not.toBe(before);
  });
});
