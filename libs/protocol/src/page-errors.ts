/**
 * What the Next.js server tells a page's error boundary (app/error.tsx) about a failure of the
 * chat service. In production Next.js hands the boundary only an error's `digest`, never its
 * message, so the errors that mean "the chat service is down" or "it is not answering" carry one
 * of these as their digest and the page can say in words what went wrong. No imports here: the
 * error page loads this with no schema library.
 */
export const PAGE_ERROR_DIGEST = {
  /** Nothing answered at the chat service's address (refused, reset). */
  unreachable: 'confab:chat-service-unreachable',
  /** The chat service took longer than the page's budget to answer. */
  tooSlow: 'confab:chat-service-too-slow',
} as const;
