'use client';

import { createElement, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type RefObject } from 'react';
import type { Options } from 'react-use-websocket';
import { HEARTBEAT_PING, HEARTBEAT_PONG } from '@confab/protocol';
import { backoffCeiling, RECONNECT_ATTEMPTS } from './backoff';
import { createConversationController, type ConversationController } from './controller';
import { loadedSocketBinding, loadSocketBinding, prefetchSocketBinding, type SocketBindingModule } from './load-socket';
import { loadWire } from './load-wire';
import { liveContentOf, type LiveContent } from './live-content';
import { createOutbox, defaultOutboxStorage } from './outbox';
import { createInitialState } from './reducer';
import { createConversationStore, type ConversationStore } from './store';
import type { UseConversationOptions, UseConversationResult } from './types';

/**
 * `useConversation`: one conversation over react-use-websocket (in `socket-binding.ts`, loaded
 * on demand: the hook's `socket` element, which the view renders once).
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

// The socket's code (react-use-websocket) comes while the page hydrates, not after.
prefetchSocketBinding();

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
    // The validation chunk, which the first ticket waits for, loads now, alongside the socket
    // binding, as it did when the binding was part of the page (its first ticket started it here).
    loadWire().catch(() => undefined);
    controller.mount();
    return () => {
      didUnmount.current = true;
      controller.unmount();
    };
  }, [controller]);

  const websocketOptions = useMemo<Options>(
    () => ({
      onMessage: controller.onMessage,
      onClose: controller.onClose,
      shouldReconnect: controller.shouldReconnect,
      reconnectInterval: controller.reconnectInterval,
      reconnectAttempts: RECONNECT_ATTEMPTS,
      onReconnectStop: controller.onReconnectStop,
      heartbeat: HEARTBEAT,
      filter: dropEveryFrame,
    }),
    [controller],
  );
  const binding = useSocketBinding();
  // Nothing in the DOM: the server and the hydrating client both render null here (the binding
  // is never loaded before the page hydrates), so the first paint and hydration are unchanged.
  const socket = binding ? createElement(binding.SocketBinding, { controller, options: websocketOptions, connect }) : null;

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
    socket,
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

/**
 * The socket binding module: at once when already loaded, else loaded from the first effect (the
 * page has hydrated), and asked for again after a failed load (1 s doubling to 30 s) until it comes.
 */
function useSocketBinding(): SocketBindingModule | null {
  const [binding, setBinding] = useState(loadedSocketBinding);
  useEffect(() => {
    if (binding) return;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const attempt = (failures: number): void => {
      loadSocketBinding().then(
        (module) => {
          if (!stopped) setBinding(module);
        },
        () => {
          if (!stopped) retry = setTimeout(() => attempt(failures + 1), backoffCeiling(failures));
        },
      );
    };
    attempt(0);
    return () => {
      stopped = true;
      clearTimeout(retry);
    };
  }, [binding]);
  return binding;
}
