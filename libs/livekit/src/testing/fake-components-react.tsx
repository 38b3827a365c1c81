/**
 * A stand-in for `@livekit/components-react` (its hooks need a live Room, which cannot run here).
 * The agent's state is whatever the test sets in `agentView`.
 */
import { createContext, type ReactNode } from 'react';

export const agentView: { state: string; agentPresent: boolean } = { state: 'connecting', agentPresent: false };
export const toggles: { enabled: boolean; calls: number } = { enabled: true, calls: 0 };

export const RoomContext = createContext<unknown>(undefined);

export function useVoiceAssistant() {
  return { state: agentView.state, audioTrack: undefined, agent: agentView.agentPresent ? { identity: 'agent-1' } : undefined };
}

export function RoomAudioRenderer(): ReactNode {
  return null;
}

export function StartAudio({ label }: { label: string }): ReactNode {
  return <button type="button">{label}</button>;
}

export function BarVisualizer({ state }: { state?: string }): ReactNode {
  return <div data-testid="visualizer" data-state={state} />;
}

export function useTrackToggle() {
  return {
    enabled: toggles.enabled,
    pending: false,
    toggle: async () => {
      toggles.calls += 1;
    },
  };
}

export function useMediaDeviceSelect() {
  return { devices: [], activeDeviceId: '', setActiveMediaDevice: async () => undefined };
}
