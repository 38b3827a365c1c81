import { parseServerFrame } from '@confab/protocol';

/**
 * The floor of the streaming-render benchmark: the least a page can do per token. It gets the same
 * frames from the same socket as the other pages and parses them the same way, but each `stream`
 * frame only replaces the text of one short line with the new token: no growing text, no list, no
 * markdown, no framework. No chat UI does less per frame, so its figures are what this machine and
 * browser cost by themselves. Bundled by the benchmark with esbuild.
 */

const socketUrl = new URLSearchParams(window.location.search).get('ws') ?? '';
const line = document.createElement('li');
line.dataset.status = 'complete';
line.textContent = 'waiting for the reply';
const list = document.createElement('ul');
list.append(line);
document.getElementById('root')?.append(list);

const socket = new WebSocket(socketUrl);
socket.onopen = () => socket.send(JSON.stringify({ event: 'sync', data: { after_seq: 0 } }));
socket.onmessage = (event: MessageEvent) => {
  if (typeof event.data !== 'string') return;
  const parsed = parseServerFrame(event.data);
  if (parsed.ok && parsed.frame.event === 'stream') line.textContent = parsed.frame.data.delta;
};
