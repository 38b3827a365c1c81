'use client';

import { lazy, Suspense } from 'react';
import { useAgentConnection } from './AgentConnectionProvider';
import { VOICE_MESSAGES } from './token-client';

// The only path to livekit-client / @livekit/components-react from the page: loaded on first use.
const VoicePanel = lazy(() => import('./VoicePanel'));

export interface VoiceModeProps {
  threadId: string;
  postSlug: string;
  /** The post's persona has voice on (thread.voice_enabled). */
  voiceEnabled: boolean;
  /** From `isVoiceConfigured()` (server): false shows a disabled "Start voice" and why, without a request. */
  voiceConfigured?: boolean;
  agentName?: string;
}

/** The thread header's voice control: "Start voice", the live panel, or why voice is unavailable. */
export function VoiceMode({ threadId, postSlug, voiceEnabled, voiceConfigured = true, agentName }: VoiceModeProps) {
  const connection = useAgentConnection();
  const { connectionMode, failure } = connection;

  // The agent's own setting first: an agent without voice has none on any server.
  if (!voiceEnabled || failure?.kind === 'forbidden') {
    return <p data-testid="voice-unavailable" data-reason="voice-off">{VOICE_MESSAGES.voiceOff}</p>;
  }
  if (!voiceConfigured || failure?.kind === 'not-configured') {
    // The button stays, disabled, where people look for voice, with the reason next to it; aria-disabled
    // (not `disabled`) keeps it in the Tab order, so keyboard and screen reader users find it and why.
    return (
      <div className="voice-mode" data-testid="voice-unavailable" data-reason="not-configured">
        <button type="button" aria-disabled="true" aria-describedby={`voice-unavailable-${threadId}`}>
          Start voice
        </button>
        <p id={`voice-unavailable-${threadId}`}>
          {VOICE_MESSAGES.notConfigured}. Text works as usual.
        </p>
      </div>
    );
  }
  if (connectionMode === 'voice') {
    return (
      <Suspense fallback={<p role="status" data-testid="voice-status" data-state="loading">Starting voice…</p>}>
        <VoicePanel agentName={agentName} />
      </Suspense>
    );
  }
  return (
    <div className="voice-mode">
      <button type="button" onClick={() => void connection.connect('voice', { threadId, postSlug })}>
        Start voice
      </button>
      {failure && (
        <p role="alert" data-testid="voice-error" data-reason={failure.kind}>
          {failure.message}
        </p>
      )}
    </div>
  );
}
