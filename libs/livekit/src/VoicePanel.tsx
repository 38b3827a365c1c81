'use client';

/**
 * The LiveKit half of the voice UI. Loaded with React.lazy from VoiceMode only once voice
 * starts, so livekit-client and @livekit/components-react stay out of the page's first load.
 */
import {
  BarVisualizer,
  RoomAudioRenderer,
  RoomContext,
  StartAudio,
  useMediaDeviceSelect,
  useTrackToggle,
  useVoiceAssistant,
} from '@livekit/components-react';
import { Track } from 'livekit-client';
import { useEffect, useId, useState } from 'react';
import { useAgentConnection } from './AgentConnectionProvider';
import { AGENT_DID_NOT_JOIN, AGENT_JOIN_TIMEOUT_MS, AGENT_STATE_TEXT } from './messages';

export interface VoicePanelProps {
  /** Shown in the status line ("Ada is speaking"). */
  agentName?: string;
}

export default function VoicePanel({ agentName }: VoicePanelProps) {
  const connection = useAgentConnection();
  const { room, status, microphoneError } = connection;

  return (
    <section aria-label="Voice" data-testid="voice-panel" data-state={status} className="voice-panel">
      {status === 'reconnecting' && (
        <p role="status" data-testid="voice-reconnecting" className="voice-panel__banner">
          Reconnecting to voice…
        </p>
      )}
      {microphoneError && (
        <p role="alert" data-testid="voice-microphone-error" className="voice-panel__error">
          {microphoneError}
        </p>
      )}
      {room && status !== 'requesting-token' && status !== 'connecting' ? (
        <RoomContext.Provider value={room}>
          <ConnectedControls agentName={agentName} />
        </RoomContext.Provider>
      ) : (
        <p role="status" data-testid="voice-status" data-state={status}>
          {status === 'requesting-token' ? 'Starting voice…' : 'Connecting…'}
        </p>
      )}
      <button type="button" onClick={() => void connection.disconnect()} className="voice-panel__hangup">
        End voice
      </button>
    </section>
  );
}

function ConnectedControls({ agentName }: { agentName?: string }) {
  const { state, audioTrack, agent } = useVoiceAssistant();
  const agentMissing = useAgentJoinTimeout(agent !== undefined);
  const text = agentMissing ? AGENT_DID_NOT_JOIN : AGENT_STATE_TEXT[state];
  const who = agentName && (state === 'speaking' || state === 'thinking') ? `${agentName}: ` : '';

  return (
    <>
      <RoomAudioRenderer />
      {/* Browsers that block autoplay need one click before the agent can be heard. */}
      <StartAudio label="Allow audio" className="voice-panel__start-audio" />
      <p
        role={agentMissing || state === 'failed' ? 'alert' : 'status'}
        data-testid="voice-status"
        data-state={agentMissing ? 'agent-missing' : state}
      >
        {who}
        {text}
      </p>
      <BarVisualizer state={state} track={audioTrack} barCount={5} className="voice-panel__visualizer" aria-hidden />
      <MicrophoneControls />
    </>
  );
}

function MicrophoneControls() {
  const { reportMicrophoneError } = useAgentConnection();
  const { enabled, pending, toggle } = useTrackToggle({
    source: Track.Source.Microphone,
    onDeviceError: reportMicrophoneError,
  });
  const selectId = useId();
  const { devices, activeDeviceId, setActiveMediaDevice } = useMediaDeviceSelect({
    kind: 'audioinput',
    // Labels of devices are only visible after permission; asking here would prompt twice.
    requestPermissions: false,
    onError: reportMicrophoneError,
  });

  return (
    <div className="voice-panel__mic">
      <button type="button" aria-pressed={!enabled} disabled={pending} onClick={() => void toggle()}>
        {enabled ? 'Mute microphone' : 'Unmute microphone'}
      </button>
      {devices.length > 1 && (
        <>
          <label htmlFor={selectId}>Microphone</label>
          <select
            id={selectId}
            value={activeDeviceId}
            onChange={(event) => void setActiveMediaDevice(event.target.value).catch(reportMicrophoneError)}
          >
            {devices.map((device, index) => (
              <option key={device.deviceId} value={device.deviceId}>
                {device.label || `Microphone ${index + 1}`}
              </option>
            ))}
          </select>
        </>
      )}
    </div>
  );
}

/** True once the room has been connected for AGENT_JOIN_TIMEOUT_MS without an agent. */
function useAgentJoinTimeout(agentPresent: boolean): boolean {
  const [timedOut, setTimedOut] = useState(false);
  useEffect(() => {
    if (agentPresent) return;
    const timer = setTimeout(() => setTimedOut(true), AGENT_JOIN_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [agentPresent]);
  return timedOut && !agentPresent;
}
