/**
 * Words for LiveKit-level events. Pure so tests can check them; the numeric reasons are
 * livekit `DisconnectReason` values (kept as numbers so this file never imports livekit-client).
 */

export const MICROPHONE_MESSAGES = {
  PermissionDenied:
    'Microphone access was refused. Allow the microphone for this site to talk, or keep typing in the thread.',
  NotFound: 'No microphone was found. Connect one to talk, or keep typing in the thread.',
  DeviceInUse: 'The microphone is being used by another application. Close it to talk, or keep typing in the thread.',
  Other: 'The microphone could not be opened. You can keep typing in the thread.',
} as const;

export type MicrophoneFailure = keyof typeof MICROPHONE_MESSAGES;

export function microphoneMessage(failure: string | undefined): string {
  if (failure && Object.hasOwn(MICROPHONE_MESSAGES, failure)) return MICROPHONE_MESSAGES[failure as MicrophoneFailure];
  return MICROPHONE_MESSAGES.Other;
}

const DISCONNECT_MESSAGES: Record<number, string> = {
  2: 'Voice ended because this thread was opened for voice in another tab.',
  3: 'The voice server shut down. Start voice again in a moment.',
  4: 'The voice session was ended by the server.',
  5: 'The voice session has ended.',
};

/** Null means the disconnect is unremarkable (we hung up) and needs no message. */
export function disconnectMessage(reason: number | undefined): string | null {
  if (reason === undefined || reason === 1) return null;
  return DISCONNECT_MESSAGES[reason] ?? 'The voice connection was lost. Start voice again to continue.';
}

/** The agent states of @livekit/components-react 2.9 (`useVoiceAssistant().state`). */
export type AgentStateName =
  | 'disconnected'
  | 'connecting'
  | 'pre-connect-buffering'
  | 'failed'
  | 'initializing'
  | 'idle'
  | 'listening'
  | 'thinking'
  | 'speaking';

/** How long we wait for the dispatched agent to join before telling the person it failed. */
export const AGENT_JOIN_TIMEOUT_MS = 20_000;

export const AGENT_STATE_TEXT: Record<AgentStateName, string> = {
  disconnected: 'Waiting for the agent to join…',
  connecting: 'Waiting for the agent to join…',
  'pre-connect-buffering': 'Waiting for the agent to join…',
  initializing: 'The agent is getting ready…',
  idle: 'Listening',
  listening: 'Listening',
  thinking: 'Thinking…',
  speaking: 'Speaking',
  failed: 'The voice agent failed. End voice and try again.',
};

export const AGENT_DID_NOT_JOIN = 'The voice agent did not join. End voice and try again in a moment.';
