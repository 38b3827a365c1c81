/** @jest-environment jsdom */
import type { UseConversationResult } from './types';
import { CONVERSATION_ID } from './test-fixtures';

/**
 * react-use-websocket is loaded on demand (`load-socket.ts`), not with the page: these tests
 * fail if the hook imports it up front again, if the binding never comes, or if a failed load
 * (offline, a new deployment) leaves the conversation without a socket for good.
 */

type UseWebSocket = typeof import('react-use-websocket').default;

function mockReactUseWebSocket(): jest.Mock {
  const useWebSocket = jest.fn<ReturnType<UseWebSocket>, Parameters<UseWebSocket>>(() => ({
    sendMessage: jest.fn(),
    sendJsonMessage: jest.fn(),
    lastMessage: null,
    lastJsonMessage: null as never,
    readyState: 0,
    getWebSocket: () => null,
  }));
  jest.doMock('react-use-websocket', () => ({ __esModule: true, default: useWebSocket }));
  return useWebSocket;
}

const mounted: Array<() => void> = [];

/**
 * After `jest.resetModules()`, React and the testing library are imported afresh with the hook
 * (one React); `pure`, as the testing library's auto-cleanup cannot register inside a test.
 */
async function renderHost() {
  const { act, render } = await import('@testing-library/react/pure');
  const { useConversation } = await import('./use-conversation');
  const result: { current: UseConversationResult } = { current: undefined as never };
  function Host() {
    result.current = useConversation({ conversationId: CONVERSATION_ID });
    return result.current.socket;
  }
  const view = render(<Host />);
  mounted.push(() => act(() => view.unmount()));
  /** Lets the dynamic import settle and React render what it set. */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i += 1) await act(async () => Promise.resolve());
  };
  return { result, view, act, settle };
}

beforeEach(() => {
  jest.resetModules();
  // No ticket answers: these tests are about the binding, not the socket it opens.
  globalThis.fetch = jest.fn(() => new Promise<Response>(() => undefined));
});

afterEach(() => {
  mounted.splice(0).forEach((unmount) => unmount());
  jest.dontMock('./socket-binding');
  jest.dontMock('react-use-websocket');
  jest.useRealTimers();
});

describe("the socket binding's on-demand load", () => {
  it('is not part of the hook: useConversation loads without react-use-websocket', async () => {
    jest.doMock('react-use-websocket', () => {
      throw new Error('react-use-websocket was imported with the page');
    });
    // (its prefetch of the binding, started as the module is evaluated, fails quietly)
    await expect(import('./use-conversation')).resolves.toHaveProperty('useConversation');
  });

  it('puts nothing in the server-rendered HTML, so hydration sees the same markup', async () => {
    mockReactUseWebSocket();
    const { renderToString } = await import('react-dom/server');
    const { useConversation } = await import('./use-conversation');
    function Host() {
      return useConversation({ conversationId: CONVERSATION_ID }).socket;
    }
    // jsdom has a window, so the prefetch ran; on the server (no window) it does not, and the
    // binding is null there. Whether loaded or not, the element renders no HTML.
    expect(renderToString(<Host />)).toBe('');
  });

  it('loads the binding by itself and opens the socket through it', async () => {
    const useWebSocket = mockReactUseWebSocket();
    const { result, settle } = await renderHost();
    await settle();
    expect(result.current.socket).not.toBeNull();
    expect(useWebSocket).toHaveBeenCalled();
    const [url, options, connect] = useWebSocket.mock.calls.at(-1)!;
    expect(typeof url).toBe('function'); // the controller's ticket-per-socket URL
    expect(options?.heartbeat).toEqual({ message: 'ping', returnMessage: 'pong', interval: 10_000, timeout: 20_000 });
    expect(connect).toBe(true);
  });

  it('asks again after a failed load, and binds the socket when the chunk comes', async () => {
    jest.useFakeTimers();
    jest.doMock('./socket-binding', () => {
      throw new Error('chunk failed to load');
    });
    const { result, act, settle } = await renderHost();
    await settle();
    expect(result.current.socket).toBeNull();

    jest.dontMock('./socket-binding');
    const useWebSocket = mockReactUseWebSocket();
    await act(async () => {
      jest.advanceTimersByTime(1_000); // the first retry: 1 s after the failure
    });
    await settle();
    expect(result.current.socket).not.toBeNull();
    expect(useWebSocket).toHaveBeenCalled();
  });
});
