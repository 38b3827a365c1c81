import { onDemand } from './on-demand';
import type * as Wire from './wire';

/**
 * Loads the client's zod validation (`wire.ts`) once, on first use: the ticket request, the
 * first frame, an outbox restore or a history page, whichever comes first. `loadedWire()` is
 * the module once loaded, for code that must stay synchronous (reading a frame).
 */
export type WireModule = typeof Wire;

const wire = onDemand(
  (): Promise<WireModule> =>
    import('./wire').then((module) => {
      announceLoaded(module);
      return module;
    }),
);

export const loadWire = wire.load;
export const loadedWire = wire.loaded;

let announceLoaded: (module: WireModule) => void = () => undefined;
const whenLoaded = new Promise<WireModule>((resolve) => (announceLoaded = resolve));

/**
 * The module, once any load succeeds: a load that fails (offline) is not the end, the connection's
 * retries load it again. For work that must not give up (restoring the outbox, reading frames).
 */
export function wireWhenLoaded(): Promise<WireModule> {
  loadWire().catch(() => undefined);
  return whenLoaded;
}
