import { initialVoiceState, voiceConnectionReducer, type VoiceConnectionAction } from './connection-state';

const token = { serverUrl: 'wss://lk', roomName: 'thread-x-y', participantName: 'Sam', participantToken: 'jwt' };
const run = (actions: VoiceConnectionAction[]) => actions.reduce(voiceConnectionReducer, initialVoiceState);

describe('voiceConnectionReducer', () => {
  it('walks idle → requesting-token → connecting → connected in voice mode', () => {
    const state = run([{ type: 'start' }, { type: 'token', token }, { type: 'connected' }]);
    expect(state).toMatchObject({ connectionMode: 'voice', status: 'connected', shouldConnect: true, wsUrl: 'wss://lk', roomToken: 'jwt', roomName: 'thread-x-y' });
  });

  it('ignores events that do not fit the current state', () => {
    expect(run([{ type: 'token', token }])).toBe(initialVoiceState);
    expect(run([{ type: 'connected' }])).toBe(initialVoiceState);
    expect(run([{ type: 'start' }, { type: 'reconnecting' }]).status).toBe('requesting-token');
    expect(run([{ type: 'microphone-error', message: 'no' }])).toBe(initialVoiceState);
  });

  it('goes back to text with the reason on failure, and without one when ended', () => {
    const failure = { kind: 'connect-failed' as const, message: 'nope' };
    expect(run([{ type: 'start' }, { type: 'failed', failure }])).toEqual({ ...initialVoiceState, failure });
    expect(run([{ type: 'start' }, { type: 'token', token }, { type: 'connected' }, { type: 'ended' }])).toEqual(initialVoiceState);
  });

  it('tracks reconnecting and microphone problems while connected', () => {
    const connected = [{ type: 'start' }, { type: 'token', token }, { type: 'connected' }] as VoiceConnectionAction[];
    expect(run([...connected, { type: 'reconnecting' }]).status).toBe('reconnecting');
    expect(run([...connected, { type: 'reconnecting' }, { type: 'reconnected' }]).status).toBe('connected');
    const mic = run([...connected, { type: 'microphone-error', message: 'refused' }]);
    expect(mic).toMatchObject({ status: 'connected', microphoneError: 'refused' });
    expect(voiceConnectionReducer(mic, { type: 'microphone-ok' }).microphoneError).toBeNull();
  });

  it('lets a token be handed over before connecting (seed Pattern 2)', () => {
    expect(run([{ type: 'token-updated', token: 'jwt-2', serverUrl: 'wss://other' }])).toMatchObject({ roomToken: 'jwt-2', wsUrl: 'wss://other' });
  });
});
