'use client';

import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type RefObject } from 'react';
import useWebSocket, { type Options } from 'react-use-websocket';
import { HEARTBEAT_PING, HEARTBEAT_PONG, type ClientFrame } from '@confab/protocol';
import { RECONNECT_ATTEMPTS } from './backoff';
import { createConversationController, type ConversationController } from './controller';
import { liveContentOf, type LiveContent } from './live-content';
import { createOutbox, defaultOutboxStorage } from './outbox';
import { createInitialState } from './reducer';
import { createConversationStore, type ConversationStore } from './store';
import type { UseConversationOptions, UseConversationResult } from './types';

/**
 * `useConversation`: one conversation over react-use-websocket.
 * Frames are read in `onMessage` and `filter` drops them all, because react-use-websocket's
 * `lastMessage` re-renders per frame (in flushSync) and still loses frames in bursts
 * (react-use-websocket #200, #211, #237). The store renders at most once per animation frame.
 */

/**
 * react-use-websocket sends `ping` only when the socket has been idle, and expects `pong`. A link
 * that went dead without closing (a frozen server, a dropped network path) is given up on after
 * `timeout` without any frame, and the reconnect begins: 20 s, not the minute it was, since the
 * person sees "Connected" until then.
 */
export const HEARTBEAT = { message: HEARTBEAT_PING, returnMessage: HEARTBEAT_PONG, interval: 10_000, timeout: 20_000 };

const dropEveryFrame = (): boolean => false;

interface Resources {
  conversationId: string;
  store: ConversationStore;
  controller: ConversationController;
  liveContent: LiveContent;
}

/** Creating these touches no timers or sockets (mount() does), so it is safe during render and SSR. */
function createResources(options: UseConversationOptions, didUnmount: RefObject<boolean>): Resources {
  const store = createConversationStore(createInitialState(options));
  const controller = createConversationController({
    conversationId: options.conversationId,
    store,
    outbox: createOutbox(options.conversationId, defaultOutboxStorage()),
    appType: options.appType ?? process.env.appType ?? 'social',
    productId: process.env.productId,
    isUnmounted: () => didUnmount.current,
  });
  return { conversationId: options.conversationId, store, controller, liveContent: liveContentOf(store) };
}

/** New resources when the conversation changes (prefer `key={conversationId}` on the component). */
function useResourcesPerConversation(options: UseConversationOptions, didUnmount: RefObject<boolean>): Resources {
  const [resources, setResources] = useState(() => createResources(options, didUnmount));
  if (resources.conversationId !== options.conversationId) {
    const next = createResources(options, didUnmount);
    setResources(next);
    return next;
  }
  return resources;
}

const notReady = { ok: false, reason: 'The conversation is still loading. Try again in a moment.' } as const;

export function useConversation(options: UseConversationOptions): UseConversationResult {
  // Set on unmount and read by shouldReconnect: a socket closing after unmount must not reconnect.
  const didUnmount = useRef(false);
  const { store, controller, liveContent } = useResourcesPerConversation(options, didUnmount);
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const [connect, setConnect] = useState(true);

  useEffect(() => {
    didUnmount.current = false;
    controller.mount();
    return () => {
      didUnmount.current = true;
      controller.unmount();
    };
  }, [controller]);

  const websocketOptions: Options = {
    onMessage: controller.onMessage,
    onClose: controller.onClose,
    shouldReconnect: controller.shouldReconnect,
    reconnectInterval: controller.reconnectInterval,
    reconnectAttempts: RECONNECT_ATTEMPTS,
    onReconnectStop: controller.onReconnectStop,
    heartbeat: HEARTBEAT,
    filter: dropEveryFrame,
  };
  // The URL is an async function: react-use-websocket calls it for every (re)connect, so every
  // socket gets a fresh ticket. It is stable per conversation, so renders do not reconnect.
  const { sendJsonMessage, getWebSocket } = useWebSocket(controller.getSocketUrl, websocketOptions, connect);

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

  // Manual reconnect: switching `connect` off and on makes react-use-websocket reset its attempt count.
  useEffect(() => {
    if (connect) return;
    const handle = setTimeout(() => setConnect(true), 0);
    return () => clearTimeout(handle);
  }, [connect]);

  const reconnect = useCallback(() => {
    if (didUnmount.current) return;
    controller.beginManualReconnect();
    setConnect(false);
  }, [controller]);

  // Back online while waiting or after giving up: try now rather than after the backoff.
  useEffect(() => {
    const onOnline = (): void => {
      const status = store.getState().connection.status;
      if (status === 'failed' || status === 'reconnecting') reconnect();
    };
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, [store, reconnect]);

  const send = useCallback((text: string) => (didUnmount.current ? notReady : controller.send(text)), [controller]);

  return {
    state,
    liveContent,
    send,
    retry: controller.retry,
    discard: controller.discard,
    stop: controller.stop,
    retryReply: controller.retryReply,
    notifyTyping: controller.notifyTyping,
    reconnect,
    loadOlder: controller.loadOlder,
  };
}
