/**
 * A module loaded once, when first asked for (`import()` in `load`, so the bundler gives it a
 * chunk of its own): `load()` shares one load between callers and asks again after a failed one
 * (offline, a deployment that removed the chunk); `loaded()` is the module once it has come, for
 * code that must stay synchronous. Used for zod (`load-wire.ts`) and react-use-websocket
 * (`load-socket.ts`).
 */
export interface OnDemand<T> {
  load(): Promise<T>;
  loaded(): T | null;
}

export function onDemand<T>(importModule: () => Promise<T>): OnDemand<T> {
  let loading: Promise<T> | null = null;
  let loaded: T | null = null;
  return {
    load() {
      loading ??= importModule().then(
        (module) => (loaded = module),
        (error: unknown) => {
          loading = null;
          throw error;
        },
      );
      return loading;
    },
    loaded: () => loaded,
  };
}
