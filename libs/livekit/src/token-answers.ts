/**
 * The room-token route's answers, validated with the protocol's schemas. Loaded by
 * `fetchRoomToken` when voice starts, so zod is not in the thread page's first-load JavaScript.
 */
export { ApiError, RoomTokenResponse } from '@confab/protocol';
