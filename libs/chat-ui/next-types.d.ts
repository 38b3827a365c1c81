// CSS module typings come from Next's global types; next-env.d.ts is generated (and git-ignored),
// so reference them here to keep `tsc` working on a fresh checkout.
/// <reference types="next" />
