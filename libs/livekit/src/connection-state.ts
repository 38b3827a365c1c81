import type { RoomTokenResponse } from '@confab/protocol';
import type { VoiceFailure } from './token-client';

/**
 * The voice connection as a pure state machine, so every transition is testable without
 * LiveKit. `text` mode is the resting state: the text WebSocket is untouched by all of this.
 *
 *   idle ──start──▶ requesting-token ──token──▶ connecting ──connected──▶ connected
 *     ▲                  │                          │                     │  ▲
 *     │               failed                     failed          reconnecting reconnected
 *     └──── ended / disconnected (any state) ◀──────┴─────────────────────┘  │
 */
export type VoiceStatus = 'idle' | 'requesting-token' | 'connecting' | 'connected' | 'reconnecting';
export type ConnectionMode = 'text' | 'voice';

export interface VoiceConnectionState {
  connectionMode: ConnectionMode;
  status: VoiceStatus;
  /** True from `connect('voice')` until the session ends: LiveKit UI is mounted only then. */
  shouldConnect: boolean;
  wsUrl: string | null;
  roomToken: string | null;
  roomName: string | null;
  /** Why the last attempt or session ended badly (shown next to "Start voice"). */
  failure: VoiceFailure | null;
  /** The microphone could not be opened; the session (and the text thread) stay usable. */
  microphoneError: string | null;
}

export type VoiceConnectionAction =
  | { type: 'start' }
  | { type: 'token'; token: RoomTokenResponse }
  | { type: 'token-updated'; token: string; serverUrl?: string }
  | { type: 'connected' }
  | { type: 'reconnecting' }
  | { type: 'reconnected' }
  | { type: 'microphone-error'; message: string }
  | { type: 'microphone-ok' }
  | { type: 'failed'; failure: VoiceFailure }
  | { type: 'ended' };

export const initialVoiceState: VoiceConnectionState = {
  connectionMode: 'text',
  status: 'idle',
  shouldConnect: false,
  wsUrl: null,
  roomToken: null,
  roomName: null,
  failure: null,
  microphoneError: null,
};

export function voiceConnectionReducer(state: VoiceConnectionState, action: VoiceConnectionAction): VoiceConnectionState {
  switch (action.type) {
    case 'start':
      return { ...initialVoiceState, connectionMode: 'voice', status: 'requesting-token', shouldConnect: true };
    case 'token':
      if (state.status !== 'requesting-token') return state;
      return {
        ...state,
        status: 'connecting',
        wsUrl: action.token.serverUrl,
        roomToken: action.token.participantToken,
        roomName: action.token.roomName,
      };
    case 'token-updated':
      return { ...state, roomToken: action.token, wsUrl: action.serverUrl ?? state.wsUrl };
    case 'connected':
      return state.status === 'connecting' ? { ...state, status: 'connected' } : state;
    case 'reconnecting':
      return state.status === 'connected' ? { ...state, status: 'reconnecting' } : state;
    case 'reconnected':
      return state.status === 'reconnecting' ? { ...state, status: 'connected' } : state;
    case 'microphone-error':
      return state.connectionMode === 'voice' ? { ...state, microphoneError: action.message } : state;
    case 'microphone-ok':
      return state.microphoneError === null ? state : { ...state, microphoneError: null };
    case 'failed':
      return { ...initialVoiceState, failure: action.failure };
    case 'ended':
      return initialVoiceState;
  }
}
