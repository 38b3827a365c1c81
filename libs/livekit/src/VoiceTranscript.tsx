'use client';

import { useAgentConnection } from './AgentConnectionProvider';

export interface VoiceTranscriptProps {
  /** Label for the agent's lines (the post's agent name). */
  agentName?: string;
  className?: string;
}

/**
 * What is being said right now, by both sides, while voice is on. Place it above the composer,
 * inside AgentConnectionProvider. Finished lines disappear a few seconds after they end: by then
 * the voice agent has stored them and they are ordinary messages in the conversation.
 */
export function VoiceTranscript({ agentName = 'Agent', className }: VoiceTranscriptProps) {
  const { transcript } = useAgentConnection();
  if (transcript.length === 0) return null;
  return (
    <ol aria-label="Live transcript" aria-live="polite" data-testid="voice-transcript" className={className}>
      {transcript.map((segment) => (
        <li key={segment.id} data-speaker={segment.local ? 'you' : 'agent'} data-done={segment.done}>
          <span className="voice-transcript__speaker">{segment.local ? 'You' : agentName}: </span>
          {segment.text}
        </li>
      ))}
    </ol>
  );
}
