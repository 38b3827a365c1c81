import { parseServerFrame, streamedText, type Message } from '@confab/protocol';

/**
 * The lower bound of the streaming-render benchmark for a page that really shows the thread: the
 * least a chat page can do per token while holding 5,000 messages and a growing reply. Hand-written
 * DOM, no framework, no markdown: a scroller with a spacer standing for the rows above and the last
 * rows that fit; the streaming reply is a paragraph per blank-line-separated block (each with paint
 * containment, as Confab's), a token appended to the last one's text node (`appendData`) and the
 * view kept at the end. What Confab does beyond this is the price of its UI; what this page
 * costs is the price of showing a growing reply at all on this machine. Bundled with esbuild.
 */

const socketUrl = `${new URLSearchParams(window.location.search).get('ws') ?? ''}&stream=delta`;
/** Rows kept in the DOM (Confab's virtual list keeps ~20 near the viewport). */
const ROWS_SHOWN = 24;
const ESTIMATED_ROW_PX = 64;

const style = document.createElement('style');
style.textContent = `
  html, body { margin: 0; height: 100%; font: 15px/1.5 system-ui, sans-serif; }
  #scroller { height: 100vh; overflow-y: auto; }
  ul { max-width: 720px; margin: 0 auto; padding: 0 16px; list-style: none; }
  li { margin: 8px 0; }
  li > div > p { margin: 0 0 8px; white-space: pre-wrap; overflow-wrap: anywhere; contain: paint; }
`;
document.head.append(style);

const scroller = document.createElement('div');
scroller.id = 'scroller';
const spacer = document.createElement('div');
const list = document.createElement('ul');
scroller.append(spacer, list);
document.getElementById('root')?.append(scroller);

const messages: Message[] = [];
/** A row in the DOM: its body, the text node of its last paragraph and where that paragraph starts in the text. */
interface Row {
  li: HTMLLIElement;
  body: HTMLDivElement;
  text: Text;
  tailStart: number;
}
const rows = new Map<string, Row>();
let rendered = '';

function rowFor(message: Message, position: number): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.status = message.status;
  li.setAttribute('aria-posinset', String(position));
  const name = document.createElement('strong');
  name.textContent = message.author.display_name;
  const body = document.createElement('div');
  li.append(name, body);
  const row: Row = { li, body, text: document.createTextNode(''), tailStart: 0 };
  rows.set(message.id, row);
  showText(row, message.content);
  return li;
}

function paragraph(row: Row, text: string): void {
  const p = document.createElement('p');
  row.text = document.createTextNode(text);
  p.append(row.text);
  row.body.append(p);
}

/** Shows `content` in the row, touching only its last paragraph and any that follow it. */
function showText(row: Row, content: string): void {
  if (row.body.childElementCount === 0) paragraph(row, '');
  const [last = '', ...more] = content.slice(row.tailStart).split('\n\n');
  if (last.startsWith(row.text.data)) row.text.appendData(last.slice(row.text.data.length));
  else row.text.data = last;
  for (const text of more) {
    row.tailStart += row.text.data.length + 2;
    paragraph(row, text);
  }
}

/** Rebuilds the rows shown: only when the set of messages changes, never per token. */
function renderTail(): void {
  const key = `${messages.length}:${messages.at(-1)?.id ?? ''}`;
  if (key === rendered) return;
  rendered = key;
  rows.clear();
  const first = Math.max(0, messages.length - ROWS_SHOWN);
  spacer.style.height = `${first * ESTIMATED_ROW_PX}px`;
  list.replaceChildren(...messages.slice(first).map((m, i) => rowFor(m, first + i + 1)));
  for (const li of list.children) li.setAttribute('aria-setsize', String(messages.length));
  followEnd();
}

function followEnd(): void {
  scroller.scrollTop = scroller.scrollHeight;
}

/** From the end: the messages that change are the newest. */
function indexOf(id: string): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.id === id) return i;
  return -1;
}

function upsert(message: Message): void {
  const at = indexOf(message.id);
  if (at >= 0) messages[at] = message;
  else messages.push(message);
}

const socket = new WebSocket(socketUrl);
socket.onopen = () => socket.send(JSON.stringify({ event: 'sync', data: { after_seq: 0 } }));
socket.onmessage = (event: MessageEvent) => {
  if (typeof event.data !== 'string') return;
  const parsed = parseServerFrame(event.data);
  if (!parsed.ok) return;
  const frame = parsed.frame;
  if (frame.event === 'sync') {
    for (const m of frame.data.messages) upsert(m);
    renderTail();
  } else if (frame.event === 'message') {
    upsert(frame.data.message);
    renderTail();
  } else if (frame.event === 'stream') {
    const held = messages[indexOf(frame.data.message_id)];
    const next = held ? streamedText(held.content, frame.data) : null;
    if (next !== null) update(frame.data.message_id, next, 'streaming');
  } else if (frame.event === 'done') {
    update(frame.data.message_id, frame.data.content, frame.data.status);
  }
};

/** A shown message's new text and status: the message held, and its row's last paragraph. */
function update(id: string, content: string, status: Message['status']): void {
  const at = indexOf(id);
  const held = messages[at];
  const row = rows.get(id);
  if (!held || !row) return;
  messages[at] = { ...held, content, status };
  showText(row, content);
  if (row.li.dataset.status !== status) row.li.dataset.status = status;
  if (status === 'streaming') followEnd();
}
