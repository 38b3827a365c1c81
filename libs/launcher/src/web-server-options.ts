import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * The web server's settings (`libs/launcher/src/web-server.ts`): where it listens from its
 * arguments, as `next start` takes them (`--port`, `--hostname`, and `--dev` for `next dev`), and
 * the rest from the environment, validated here so that a typo stops it in words at start.
 */

const Port = z.coerce.number().int().min(1, 'must be 1..65535').max(65535, 'must be 1..65535');

/** Same words and meaning as the chat service's WS_TRUST_PROXY. */
const Switch = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

export const WebServerEnvSchema = z.object({
  /** Port when there is no `--port` (as `next start`). */
  PORT: Port.default(3000),
  /**
   * Behind one trusted reverse proxy: keep the X-Forwarded-For it wrote (its last entry is the
   * person's address). Unset: the connection's address replaces whatever the client sent.
   */
  WEB_TRUST_PROXY: Switch.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface WebServerOptions {
  /** Next.js in development mode (`next dev`: compiles on demand, hot reload), else the production build. */
  dev: boolean;
  port: number;
  /** Interface to listen on; undefined: all of them (as `next start` without `--hostname`). */
  hostname: string | undefined;
  trustProxy: boolean;
  logLevel: z.infer<typeof WebServerEnvSchema>['LOG_LEVEL'];
}

export function parseWebServerOptions(argv: string[], env: Record<string, string | undefined>): WebServerOptions {
  const { values } = parseArgs({
    args: argv,
    options: { dev: { type: 'boolean', default: false }, port: { type: 'string' }, hostname: { type: 'string' } },
    strict: true,
  });
  const parsed = WebServerEnvSchema.safeParse({ ...withoutBlanks(env), ...(values.port !== undefined ? { PORT: values.port } : {}) });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid web server settings: ${problems}`);
  }
  return {
    dev: values.dev,
    port: parsed.data.PORT,
    hostname: values.hostname,
    trustProxy: parsed.data.WEB_TRUST_PROXY,
    logLevel: parsed.data.LOG_LEVEL,
  };
}

/** A blank value counts as unset, as in the launcher (`WEB_TRUST_PROXY=` in .env.local is the default). */
function withoutBlanks(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') out[key] = value;
  }
  return out;
}

/**
 * The Node.js arguments that start the web server: the launcher's `npm start` / `npm run dev`, the
 * browser test harness and the tests that start their own web app all run it the same way.
 */
export function webServerArgs(root: string, options: { dev: boolean; port: number; hostname?: string }): string[] {
  return [
    '--import',
    'tsx',
    path.join(root, 'libs/launcher/src/web-server.ts'),
    ...(options.dev ? ['--dev'] : []),
    '--port',
    String(options.port),
    ...(options.hostname !== undefined ? ['--hostname', options.hostname] : []),
  ];
}
