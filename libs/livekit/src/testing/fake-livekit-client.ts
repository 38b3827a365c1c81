/**
 * A stand-in for the `livekit-client` module (tests replace the module with this at the boundary:
 * a LiveKit server cannot run here). It records what the provider does to the Room and lets a
 * test play the server's part: resolve or fail connect, emit room events, send transcriptions.
 */

type Listener = (...args: unknown[]) => void;

export const RoomEvent = {
  Reconnecting: 'reconnecting',
  SignalReconnecting: 'signalReconnecting',
  Reconnected: 'reconnected',
  Disconnected: 'disconnected',
  MediaDevicesError: 'mediaDevicesError',
} as const;

export const Track = { Source: { Microphone: 'microphone' } } as const;

export const MediaDeviceFailure = {
  getFailure(error: unknown): string | undefined {
    const name = error instanceof Error ? error.name : undefined;
    if (name === 'NotAllowedError') return 'PermissionDenied';
    if (name === 'NotFoundError') return 'NotFound';
    return 'Other';
  },
};

interface Deferred {
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface FakeStreamReader {
  info: { id: string; attributes: Record<string, string> };
  [Symbol.asyncIterator](): AsyncIterator<string>;
}

export class Room {
  static instances: Room[] = [];
  /** When true, connect() waits for the test to call finishConnect()/failConnect(). */
  static holdConnect = false;
  /** The error setMicrophoneEnabled(true) rejects with, if any. */
  static microphoneError: Error | null = null;

  readonly listeners = new Map<string, Listener[]>();
  readonly textHandlers = new Map<string, (reader: FakeStreamReader, participant: { identity: string }) => void>();
  readonly connectCalls: Array<[string, string]> = [];
  disconnectCalls = 0;
  microphoneCalls: boolean[] = [];
  private pending: Deferred | null = null;

  readonly localParticipant = {
    identity: 'me',
    setMicrophoneEnabled: async (enabled: boolean) => {
      this.microphoneCalls.push(enabled);
      if (Room.microphoneError) throw Room.microphoneError;
    },
  };

  constructor() {
    Room.instances.push(this);
  }

  static reset(): void {
    Room.instances = [];
    Room.holdConnect = false;
    Room.microphoneError = null;
  }

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }

  registerTextStreamHandler(topic: string, handler: (reader: FakeStreamReader, participant: { identity: string }) => void): void {
    if (this.textHandlers.has(topic)) throw new Error(`A text stream handler for topic "${topic}" has already been set.`);
    this.textHandlers.set(topic, handler);
  }

  connect(url: string, token: string): Promise<void> {
    this.connectCalls.push([url, token]);
    if (!Room.holdConnect) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  finishConnect(): void {
    this.pending?.resolve();
    this.pending = null;
  }

  failConnect(error = new Error('could not establish signal connection')): void {
    this.pending?.reject(error);
    this.pending = null;
  }

  async disconnect(): Promise<void> {
    this.disconnectCalls += 1;
    this.emit(RoomEvent.Disconnected, 1);
  }

  /** Plays one `lk.transcription` stream: the chunks arrive one by one, then the stream ends. */
  sendTranscription(stream: { id: string; segmentId: string; from: string; chunks: string[]; final?: boolean }): void {
    const handler = this.textHandlers.get('lk.transcription');
    if (!handler) throw new Error('no lk.transcription handler registered');
    const chunks = [...stream.chunks];
    handler(
      {
        info: {
          id: stream.id,
          attributes: { 'lk.segment_id': stream.segmentId, 'lk.transcription_final': stream.final ? 'true' : 'false' },
        },
        async *[Symbol.asyncIterator]() {
          for (const chunk of chunks) yield chunk;
        },
      },
      { identity: stream.from },
    );
  }
}
