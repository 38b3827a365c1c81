'use client';

import { memo, useEffect } from 'react';
import useWebSocket, { type Options } from 'react-use-websocket';
import type { ClientFrame } from '@confab/protocol';
import type { ConversationController } from './controller';

export interface SocketBindingProps {
  controller: ConversationController;
  options: Options;
  /** Off then on again: a manual reconnect (react-use-websocket resets its attempt count). */
  connect: boolean;
}

/**
 * The conversation's socket: react-use-websocket bound to the controller. It draws nothing.
 * Loaded on demand (`load-socket.ts`), so react-use-websocket (CommonJS, ~4 kB gzip as the
 * bundler keeps it whole) is not in the page's first-load JavaScript; nothing needs it before
 * the page's first socket, which waits for the ticket and the validation chunk anyway. Memoized
 * (its props are stable per conversation): a store publish does not run the library's hook.
 */
export const SocketBinding = memo(function SocketBinding({ controller, options, connect }: SocketBindingProps): null {
  // The URL is an async function: react-use-websocket calls it for every (re)connect, so every
  // socket gets a fresh ticket. It is stable per conversation, so renders do not reconnect.
  const { sendJsonMessage, getWebSocket } = useWebSocket(controller.getSocketUrl, options, connect);

  useEffect(() => {
    controller.attach({
      // keep=false: while the socket is down, messages wait in our outbox, not in the library's queue.
      send: (frame: ClientFrame) => sendJsonMessage(frame, false),
      current: () => {
        const socket = getWebSocket();
        return typeof WebSocket !== 'undefined' && socket instanceof WebSocket ? socket : null;
      },
    });
  }, [controller, sendJsonMessage, getWebSocket]);

  return null;
});
