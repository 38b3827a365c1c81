import { disconnectMessage, MICROPHONE_MESSAGES, microphoneMessage } from './messages';

describe('voice messages', () => {
  it('words microphone failures and keeps text usable in every case', () => {
    expect(microphoneMessage('PermissionDenied')).toBe(MICROPHONE_MESSAGES.PermissionDenied);
    expect(microphoneMessage('NotFound')).toBe(MICROPHONE_MESSAGES.NotFound);
    expect(microphoneMessage(undefined)).toBe(MICROPHONE_MESSAGES.Other);
    expect(microphoneMessage('toString')).toBe(MICROPHONE_MESSAGES.Other);
    for (const message of Object.values(MICROPHONE_MESSAGES)) expect(message).toMatch(/typing/);
  });

  it('says nothing when we hung up ourselves, and why otherwise', () => {
    expect(disconnectMessage(undefined)).toBeNull();
    expect(disconnectMessage(1)).toBeNull();
    expect(disconnectMessage(5)).toBe('The voice session has ended.');
    expect(disconnectMessage(99)).toMatch(/lost/);
  });
});
