/** @jest-environment jsdom */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import type { RoomTokenResponse } from '@confab/protocol';
import { AgentConnectionProvider, useAgentConnection, type FetchToken } from './AgentConnectionProvider';
import { AGENT_DID_NOT_JOIN, AGENT_JOIN_TIMEOUT_MS, MICROPHONE_MESSAGES } from './messages';
import * as fakeComponents from './testing/fake-components-react';
import { Room } from './testing/fake-livekit-client';
import { VOICE_MESSAGES, type TokenResult } from './token-client';
import { VoiceMode } from './VoiceMode';
import { VoiceTranscript } from './VoiceTranscript';

// The module boundary: no LiveKit server or WebRTC here, so both LiveKit packages are replaced.
jest.mock('livekit-client', () => jest.requireActual('./testing/fake-livekit-client'));
jest.mock('@livekit/components-react', () => jest.requireActual('./testing/fake-components-react'));

const THREAD_ID = '5b0c7a52-8a4f-4c55-9a57-6c7f0f3f1a11';
const TOKEN: RoomTokenResponse = {
  serverUrl: 'wss://livekit.test',
  roomName: `thread-${THREAD_ID}-abcdefgh`,
  participantName: 'Sam',
  participantToken: 'jwt-1',
};

interface Controlled {
  fetchToken: jest.MockedFunction<FetchToken>;
  /** Resolves the pending token request (held requests only). */
  release: (result: TokenResult) => void;
}

function tokenSource(hold = false, result: TokenResult = { ok: true, token: TOKEN }): Controlled {
  let release: (r: TokenResult) => void = () => undefined;
  const fetchToken = jest.fn<Promise<TokenResult>, Parameters<FetchToken>>(() =>
    hold ? new Promise<TokenResult>((resolve) => (release = resolve)) : Promise.resolve(result),
  );
  return { fetchToken, release: (r) => release(r) };
}

function DoubleStart() {
  const { connect, status } = useAgentConnection();
  return (
    <>
      <button type="button" onClick={() => void Promise.all([connect('voice'), connect('voice')])}>
        double start
      </button>
      <span data-testid="probe">{status}</span>
    </>
  );
}

function renderVoice(source: Controlled, props: Partial<Parameters<typeof VoiceMode>[0]> = {}) {
  return render(
    <StrictMode>
      <AgentConnectionProvider fetchToken={source.fetchToken}>
        <VoiceMode threadId={THREAD_ID} postSlug="voice-demo" voiceEnabled agentName="Ada" {...props} />
        <VoiceTranscript agentName="Ada" />
      </AgentConnectionProvider>
    </StrictMode>,
  );
}

async function startVoice() {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Start voice' }));
  });
}

function onlyRoom(): Room {
  expect(Room.instances).toHaveLength(1);
  const room = Room.instances[0];
  if (!room) throw new Error('no room');
  return room;
}

beforeEach(() => {
  Room.reset();
  fakeComponents.agentView.state = 'connecting';
  fakeComponents.agentView.agentPresent = false;
});

describe('AgentConnectionProvider + VoiceMode (livekit-client mocked, StrictMode)', () => {
  it('fetches nothing and creates no room until "Start voice", then connects exactly once', async () => {
    const source = tokenSource();
    renderVoice(source);
    expect(source.fetchToken).not.toHaveBeenCalled();
    expect(Room.instances).toHaveLength(0);

    await startVoice();
    expect((await screen.findByTestId('voice-panel'))?.getAttribute('data-state')).toBe('connected');
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    expect(source.fetchToken.mock.calls[0]?.[0]).toEqual({ threadId: THREAD_ID, postSlug: 'voice-demo' });
    const room = onlyRoom();
    expect(room.connectCalls).toEqual([['wss://livekit.test', 'jwt-1']]);
    expect(room.microphoneCalls).toEqual([true]);
    expect((screen.getByTestId('voice-status')).textContent).toContain('Waiting for the agent to join…');
    expect(screen.getByRole('button', { name: 'Allow audio' })).toBeTruthy();
  });

  it('starts once when connect("voice") is called twice in a row', async () => {
    const source = tokenSource(true);
    render(
      <StrictMode>
        <AgentConnectionProvider fetchToken={source.fetchToken} target={{ threadId: THREAD_ID, postSlug: 'voice-demo' }}>
          <DoubleStart />
        </AgentConnectionProvider>
      </StrictMode>,
    );
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'double start' }));
    });
    await act(async () => source.release({ ok: true, token: TOKEN }));
    await waitFor(() => expect(screen.getByTestId('probe').textContent).toBe('connected'));
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    expect(onlyRoom().connectCalls).toHaveLength(1);
  });

  it('shows the agent state words from the room', async () => {
    fakeComponents.agentView.agentPresent = true;
    fakeComponents.agentView.state = 'listening';
    renderVoice(tokenSource());
    await startVoice();
    expect((await screen.findByTestId('voice-status')).textContent).toContain('Listening');
  });

  it('says the agent did not join when no agent arrives in time', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      renderVoice(tokenSource());
      await startVoice();
      expect((await screen.findByTestId('voice-status')).textContent).toContain('Waiting for the agent to join…');
      act(() => {
        jest.advanceTimersByTime(AGENT_JOIN_TIMEOUT_MS);
      });
      const status = screen.getByTestId('voice-status');
      expect(status.textContent).toBe(AGENT_DID_NOT_JOIN);
      expect(status.getAttribute('role')).toBe('alert');
    } finally {
      jest.useRealTimers();
    }
  });

  it('says "Voice is not set up on this server" when the token route answers 503, and creates no room', async () => {
    renderVoice(tokenSource(false, { ok: false, failure: { kind: 'not-configured', message: VOICE_MESSAGES.notConfigured } }));
    await startVoice();
    expect(await screen.findByText('Voice is not set up on this server. Text works as usual.')).toBeTruthy();
    // The button stays where people look for voice, disabled, described by the reason.
    const start = screen.getByRole('button', { name: 'Start voice' });
    expect(start.getAttribute('aria-disabled')).toBe('true');
    expect(start.getAttribute('aria-describedby')).toBe(screen.getByText(/Voice is not set up/).id);
    expect(Room.instances).toHaveLength(0);
  });

  it('says so up front when the server knows voice is not configured or the agent has voice off', () => {
    const source = tokenSource();
    const { unmount } = renderVoice(source, { voiceConfigured: false });
    expect(screen.getByText('Voice is not set up on this server. Text works as usual.')).toBeTruthy();
    // Reachable by Tab (aria-disabled, not disabled), but pressing it asks for nothing.
    fireEvent.click(screen.getByRole('button', { name: 'Start voice' }));
    expect(source.fetchToken).not.toHaveBeenCalled();
    unmount();
    // An agent without voice says so even on a server without LiveKit: that is the reason that holds everywhere.
    renderVoice(source, { voiceEnabled: false, voiceConfigured: false });
    expect(screen.getByText('Voice is off for this agent')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Start voice' })).toBeNull();
    expect(source.fetchToken).not.toHaveBeenCalled();
  });

  it('keeps the session and explains when the microphone is refused', async () => {
    Room.microphoneError = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    renderVoice(tokenSource());
    await startVoice();
    expect((await screen.findByTestId('voice-microphone-error')).textContent).toContain(MICROPHONE_MESSAGES.PermissionDenied);
    expect((screen.getByTestId('voice-panel'))?.getAttribute('data-state')).toBe('connected');
    expect(onlyRoom().disconnectCalls).toBe(0);
  });

  it('shows a banner while reconnecting and removes it when reconnected', async () => {
    renderVoice(tokenSource());
    await startVoice();
    await screen.findByTestId('voice-panel');
    const room = onlyRoom();
    act(() => room.emit('reconnecting'));
    expect((screen.getByTestId('voice-reconnecting')).textContent).toContain('Reconnecting to voice…');
    act(() => room.emit('reconnected'));
    expect(screen.queryByTestId('voice-reconnecting')).toBeNull();
  });

  it('hangs up on "End voice" and can start again with a fresh token', async () => {
    const source = tokenSource();
    renderVoice(source);
    await startVoice();
    await act(async () => {
      fireEvent.click(await screen.findByRole('button', { name: 'End voice' }));
    });
    expect(Room.instances[0]?.disconnectCalls).toBe(1);
    expect(screen.getByRole('button', { name: 'Start voice' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();

    await startVoice();
    await screen.findByRole('button', { name: 'End voice' });
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    expect(Room.instances).toHaveLength(2);
  });

  it('returns to text with a reason when the server ends the session', async () => {
    renderVoice(tokenSource());
    await startVoice();
    await screen.findByTestId('voice-panel');
    act(() => onlyRoom().emit('disconnected', 5));
    expect((screen.getByRole('alert')).textContent).toContain('The voice session has ended.');
    expect(screen.getByRole('button', { name: 'Start voice' })).toBeTruthy();
  });

  it('reports a failed connection in words and offers to try again', async () => {
    Room.holdConnect = true;
    renderVoice(tokenSource());
    await startVoice();
    await waitFor(() => expect(Room.instances).toHaveLength(1));
    expect((screen.getByTestId('voice-status')).textContent).toContain('Connecting…');
    await act(async () => onlyRoom().failConnect());
    expect((screen.getByRole('alert')).textContent).toContain(VOICE_MESSAGES.connectFailed);
    expect(screen.getByRole('button', { name: 'Start voice' })).toBeTruthy();
  });

  it('does not connect when the person hangs up while the token is being fetched', async () => {
    const source = tokenSource(true);
    renderVoice(source);
    await startVoice();
    await act(async () => {
      fireEvent.click(await screen.findByRole('button', { name: 'End voice' }));
    });
    await act(async () => source.release({ ok: true, token: TOKEN }));
    expect(Room.instances).toHaveLength(0);
    expect(screen.getByRole('button', { name: 'Start voice' })).toBeTruthy();
  });

  it('leaves no connected room behind when unmounted while connecting', async () => {
    Room.holdConnect = true;
    const { unmount } = renderVoice(tokenSource());
    await startVoice();
    await waitFor(() => expect(Room.instances).toHaveLength(1));
    const room = onlyRoom();
    unmount();
    await act(async () => room.finishConnect());
    expect(room.disconnectCalls).toBeGreaterThanOrEqual(1);
    expect(room.microphoneCalls).toEqual([]);
  });

  it('shows live transcripts of both sides, one line per segment id', async () => {
    renderVoice(tokenSource());
    await startVoice();
    await screen.findByTestId('voice-panel');
    const room = onlyRoom();
    await act(async () => {
      room.sendTranscription({ id: 's1', segmentId: 'seg-user', from: 'me', chunks: ['Plan my'] });
      room.sendTranscription({ id: 's2', segmentId: 'seg-user', from: 'me', chunks: ['Plan my weekend'] });
      room.sendTranscription({ id: 's3', segmentId: 'seg-agent', from: 'agent-1', chunks: ['Here is ', 'your ', 'itinerary.'] });
    });
    const lines = screen.getAllByRole('listitem');
    expect(lines.map((li) => li.textContent)).toEqual(['You: Plan my weekend', 'Ada: Here is your itinerary.']);
    expect((lines[1])?.getAttribute('data-done')).toBe('true');
    expect((lines[0])?.getAttribute('data-done')).toBe('false');
  });
});
