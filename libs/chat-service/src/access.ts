import type { Access, ConversationRecord, Principal } from './contracts';

/**
 * Who may read and write a conversation, for REST and WebSocket alike. A post's shared
 * conversation is public to read and open to signed-in users to write; a thread is its owner's
 * alone (everyone else is answered NOT_FOUND by the callers, so thread ids cannot be probed).
 */
export function isOwner(conversation: ConversationRecord, principal: Principal | null): boolean {
  const owner = conversation.owner;
  return owner !== null && principal !== null && principal.identity.kind === owner.kind && principal.identity.id === owner.id;
}

export function createAccess(): Access {
  return {
    canRead(conversation, principal) {
      return conversation.kind === 'post' || isOwner(conversation, principal);
    },
    canWrite(conversation, principal) {
      if (conversation.kind === 'post') return principal?.identity.kind === 'user';
      return isOwner(conversation, principal);
    },
  };
}
