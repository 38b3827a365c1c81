import { onDemand } from './on-demand';
import type * as Binding from './socket-binding';

/**
 * Loads the socket binding (`socket-binding.ts`: react-use-websocket and the code that binds it
 * to the controller) once, as `load-wire.ts` loads zod. In the browser the load starts when the
 * hook's module is evaluated (`prefetchSocketBinding`), so the chunk comes while the page
 * hydrates; the hook asks again from its first effect (after a failed load too).
 * `loadedSocketBinding()` is the module once loaded, so a conversation mounted after that (client-
 * side navigation) binds its socket in its first render.
 */
export type SocketBindingModule = typeof Binding;

const binding = onDemand((): Promise<SocketBindingModule> => import('./socket-binding'));

export const loadSocketBinding = binding.load;
export const loadedSocketBinding = binding.loaded;

/** Starts the load in the browser (not on the server, where no socket opens); failures are retried by the hook. */
export function prefetchSocketBinding(): void {
  if (typeof window !== 'undefined') loadSocketBinding().catch(() => undefined);
}
