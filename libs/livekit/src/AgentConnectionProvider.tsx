'use client';

import type { RoomTokenResponse } from '@confab/protocol';
import type { Room, TextStreamReader } from 'livekit-client';
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import {
  initialVoiceState,
  voiceConnectionReducer,
  type ConnectionMode,
  type VoiceConnectionState,
} from './connection-state';
import { disconnectMessage, microphoneMessage } from './messages';
import { fetchRoomToken, VOICE_MESSAGES, type TokenResult, type VoiceTarget } from './token-client';
import {
  DONE_SEGMENT_GRACE_MS,
  emptyTranscript,
  isFinalAttribute,
  SEGMENT_ID_ATTRIBUTE,
  TRANSCRIPTION_TOPIC,
  transcriptReducer,
  type TranscriptAction,
  type TranscriptSegment,
} from './transcript';

export interface AgentConnection extends VoiceConnectionState {
  /** The LiveKit room while voice is on (for the panel's RoomContext); null in text mode. */
  room: Room | null;
  /** Live (not yet stored) transcript segments of both sides, oldest first. */
  transcript: TranscriptSegment[];
  /**
   * `connect('voice', target)` fetches a token (unless one was given with `updateRoomToken`),
   * loads livekit-client, joins the room and opens the microphone. Calling it again while a
   * session is starting or running does nothing. `connect('text')` is `disconnect()`.
   */
  connect: (mode: ConnectionMode, target?: VoiceTarget) => Promise<void>;
  /** Hangs up (if in voice) and returns to text mode. The text WebSocket is never touched. */
  disconnect: () => Promise<void>;
  /** Pattern 2 of the seed guide: hand over a token fetched elsewhere before `connect('voice')`. */
  updateRoomToken: (token: string | RoomTokenResponse) => void;
  /** The panel reports microphone failures from its own toggles here. */
  reportMicrophoneError: (error: unknown) => void;
}

const AgentConnectionContext = createContext<AgentConnection | null>(null);

export type FetchToken = (target: VoiceTarget, signal: AbortSignal) => Promise<TokenResult>;

export interface AgentConnectionProviderProps {
  children: ReactNode;
  /** Used when `connect('voice')` is called without a target (the thread page knows both). */
  target?: VoiceTarget;
  /** Replaces the token request (tests, storybook-like pages). Defaults to our token route. */
  fetchToken?: FetchToken;
}

const defaultFetchToken: FetchToken = (target, signal) => fetchRoomToken(target, signal);

type LiveKit = typeof import('livekit-client');

export function AgentConnectionProvider({ children, target, fetchToken = defaultFetchToken }: AgentConnectionProviderProps) {
  const [state, dispatch] = useReducer(voiceConnectionReducer, initialVoiceState);
  const [transcript, dispatchTranscript] = useReducer(transcriptReducer, emptyTranscript);
  const [room, setRoom] = useState<Room | null>(null);

  // Refs, not state: connect() must see the latest values synchronously, and stale async
  // steps (a token arriving after hang-up or unmount) must be recognised and dropped.
  const attemptRef = useRef(0);
  const busyRef = useRef(false);
  const mountedRef = useRef(false);
  const roomRef = useRef<Room | null>(null);
  /** The room whose connect() succeeded: only its Disconnected event ends a session. */
  const joinedRef = useRef<Room | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const pendingTokenRef = useRef<RoomTokenResponse | null>(null);
  const liveKitRef = useRef<LiveKit | null>(null);
  const targetRef = useRef(target);
  const fetchTokenRef = useRef(fetchToken);
  const wsUrlRef = useRef<string | null>(null);

  useEffect(() => {
    targetRef.current = target;
    fetchTokenRef.current = fetchToken;
  });

  /** Invalidates every step in flight and leaves the room; resolves when the room is left. */
  const teardown = useCallback((): Promise<void> => {
    attemptRef.current += 1;
    busyRef.current = false;
    abortRef.current?.abort();
    abortRef.current = null;
    const current = roomRef.current;
    roomRef.current = null;
    joinedRef.current = null;
    return current ? current.disconnect() : Promise.resolve();
  }, []);

  useEffect(() => {
    // StrictMode runs this twice (mount, cleanup, mount): nothing is connected at mount, so the
    // extra cleanup only bumps the attempt counter; connecting never happens in an effect.
    mountedRef.current = true;
    return () => {
      mountedRef.current = false;
      void teardown();
    };
  }, [teardown]);

  const reportMicrophoneError = useCallback((error: unknown) => {
    const failure = liveKitRef.current?.MediaDeviceFailure.getFailure(error);
    dispatch({ type: 'microphone-error', message: microphoneMessage(failure) });
  }, []);

  const startVoice = useCallback(
    async (voiceTarget: VoiceTarget | undefined) => {
      if (busyRef.current) return;
      busyRef.current = true;
      const attempt = ++attemptRef.current;
      const stale = () => attempt !== attemptRef.current || !mountedRef.current;
      dispatch({ type: 'start' });
      dispatchTranscript({ type: 'clear' });

      const token = await obtainToken(voiceTarget);
      if (stale()) return;
      if (!token.ok) {
        busyRef.current = false;
        dispatch({ type: 'failed', failure: token.failure });
        return;
      }
      dispatch({ type: 'token', token: token.token });
      wsUrlRef.current = token.token.serverUrl;

      let lk: LiveKit;
      try {
        // Loaded on demand: livekit-client is not part of the thread page's first-load JS.
        lk = liveKitRef.current ?? (await import('livekit-client'));
      } catch {
        if (stale()) return;
        busyRef.current = false;
        dispatch({ type: 'failed', failure: { kind: 'network', message: VOICE_MESSAGES.network } });
        return;
      }
      liveKitRef.current = lk;
      if (stale()) return;

      const newRoom = new lk.Room();
      wireRoom(lk, newRoom, attempt);
      roomRef.current = newRoom;
      setRoom(newRoom);
      try {
        await newRoom.connect(token.token.serverUrl, token.token.participantToken);
      } catch {
        if (stale()) return;
        void teardown();
        setRoom(null);
        dispatch({ type: 'failed', failure: { kind: 'connect-failed', message: VOICE_MESSAGES.connectFailed } });
        return;
      }
      if (stale()) {
        // Hung up or unmounted while connecting: teardown() already ran for roomRef, but the room
        // object may have been replaced; make sure this one does not stay connected.
        void newRoom.disconnect();
        return;
      }
      joinedRef.current = newRoom;
      dispatch({ type: 'connected' });
      try {
        await newRoom.localParticipant.setMicrophoneEnabled(true);
        if (!stale()) dispatch({ type: 'microphone-ok' });
      } catch (error) {
        if (!stale()) reportMicrophoneError(error);
      }

      async function obtainToken(t: VoiceTarget | undefined): Promise<TokenResult> {
        const given = pendingTokenRef.current;
        pendingTokenRef.current = null;
        if (given) return { ok: true, token: given };
        const resolved = t ?? targetRef.current;
        if (!resolved) return { ok: false, failure: { kind: 'not-found', message: VOICE_MESSAGES.notFound } };
        const controller = new AbortController();
        abortRef.current = controller;
        try {
          return await fetchTokenRef.current(resolved, controller.signal);
        } catch {
          return { ok: false, failure: { kind: 'network', message: VOICE_MESSAGES.network } };
        }
      }

      function wireRoom(livekit: LiveKit, r: Room, forAttempt: number) {
        const current = () => forAttempt === attemptRef.current && mountedRef.current;
        r.on(livekit.RoomEvent.Reconnecting, () => current() && dispatch({ type: 'reconnecting' }));
        r.on(livekit.RoomEvent.SignalReconnecting, () => current() && dispatch({ type: 'reconnecting' }));
        r.on(livekit.RoomEvent.Reconnected, () => current() && dispatch({ type: 'reconnected' }));
        r.on(livekit.RoomEvent.MediaDevicesError, (error: Error, kind?: MediaDeviceKind) => {
          if (current() && (kind === undefined || kind === 'audioinput')) reportMicrophoneError(error);
        });
        r.on(livekit.RoomEvent.Disconnected, (reason?: number) => {
          // Before connect() resolves, its rejection reports the failure instead.
          if (!current() || joinedRef.current !== r) return;
          // The server or network ended it (we bump the attempt before our own hang-up).
          attemptRef.current += 1;
          busyRef.current = false;
          roomRef.current = null;
          joinedRef.current = null;
          setRoom(null);
          dispatchTranscript({ type: 'clear' });
          const message = disconnectMessage(reason);
          dispatch(message ? { type: 'failed', failure: { kind: 'disconnected', message } } : { type: 'ended' });
        });
        r.registerTextStreamHandler(TRANSCRIPTION_TOPIC, (reader, participant) => {
          if (!current()) return;
          const local = participant.identity === r.localParticipant.identity;
          void readTranscription(reader, participant.identity, local, (action) => {
            if (current()) dispatchTranscript(action);
          });
        });
      }
    },
    [reportMicrophoneError, teardown],
  );

  const disconnect = useCallback(async () => {
    const left = teardown();
    pendingTokenRef.current = null;
    setRoom(null);
    dispatch({ type: 'ended' });
    dispatchTranscript({ type: 'clear' });
    await left;
  }, [teardown]);

  const connect = useCallback(
    async (mode: ConnectionMode, voiceTarget?: VoiceTarget) => {
      if (mode === 'text') return disconnect();
      return startVoice(voiceTarget);
    },
    [disconnect, startVoice],
  );

  const updateRoomToken = useCallback((token: string | RoomTokenResponse) => {
    if (typeof token === 'string') {
      const serverUrl = wsUrlRef.current ?? process.env.NEXT_PUBLIC_LIVEKIT_URL ?? '';
      pendingTokenRef.current = serverUrl
        ? { serverUrl, participantToken: token, roomName: '', participantName: '' }
        : null;
      dispatch({ type: 'token-updated', token, serverUrl: serverUrl || undefined });
      return;
    }
    pendingTokenRef.current = token;
    wsUrlRef.current = token.serverUrl;
    dispatch({ type: 'token-updated', token: token.participantToken, serverUrl: token.serverUrl });
  }, []);

  const hasDoneSegments = transcript.segments.some((s) => s.done);
  useEffect(() => {
    if (!hasDoneSegments) return;
    const timer = setInterval(() => dispatchTranscript({ type: 'prune', at: Date.now() }), DONE_SEGMENT_GRACE_MS / 4);
    return () => clearInterval(timer);
  }, [hasDoneSegments]);

  const value = useMemo<AgentConnection>(
    () => ({ ...state, room, transcript: transcript.segments, connect, disconnect, updateRoomToken, reportMicrophoneError }),
    [state, room, transcript.segments, connect, disconnect, updateRoomToken, reportMicrophoneError],
  );
  return <AgentConnectionContext.Provider value={value}>{children}</AgentConnectionContext.Provider>;
}

/** Reads one `lk.transcription` stream, reporting the text carried so far after every chunk. */
async function readTranscription(
  reader: TextStreamReader,
  speaker: string,
  local: boolean,
  emit: (action: TranscriptAction) => void,
): Promise<void> {
  const segmentId = reader.info.attributes?.[SEGMENT_ID_ATTRIBUTE];
  if (!segmentId) return;
  const final = isFinalAttribute(reader.info.attributes);
  let text = '';
  try {
    for await (const chunk of reader) {
      text += chunk;
      emit({ type: 'stream-text', segmentId, streamId: reader.info.id, speaker, local, streamText: text, final, at: Date.now() });
    }
  } catch {
    // The room went away mid-stream: what arrived is kept; the stored message will follow.
    return;
  }
  emit({ type: 'stream-ended', segmentId, local, at: Date.now() });
}

/** The voice connection of the nearest `AgentConnectionProvider`. */
export function useAgentConnection(): AgentConnection {
  const value = useContext(AgentConnectionContext);
  if (!value) throw new Error('useAgentConnection must be used inside <AgentConnectionProvider>.');
  return value;
}
