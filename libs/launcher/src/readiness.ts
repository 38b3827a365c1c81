import type { ChildName } from './plan';

/**
 * Decides from one line of a child's output whether it is ready to serve.
 * - chat service: its pino JSON line `{"msg":"chat service listening","port":…}`
 * - web app: its server's pino JSON line `{"msg":"web app listening","port":…}` (web-server.ts; it
 *   listens once Next.js is prepared, in production and in development mode alike)
 * - voice agent: @livekit/agents logs that the worker registered with the LiveKit server
 */
export function isReadyLine(child: ChildName, line: string): boolean {
  switch (child) {
    case 'chat':
      return parseJsonLine(line)?.msg === 'chat service listening';
    case 'web':
      return parseJsonLine(line)?.msg === 'web app listening';
    case 'voice': {
      const entry = parseJsonLine(line);
      const text = entry !== null && typeof entry.msg === 'string' ? entry.msg : stripAnsi(line);
      return /registered worker|worker registered/i.test(text);
    }
  }
}

export function parseJsonLine(line: string): Record<string, unknown> | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
