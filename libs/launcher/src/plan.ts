import path from 'node:path';
import { missingVoiceVariables, voiceConfigured, type MergedEnv } from './env';
import { webServerArgs } from './web-server-options';

export type ChildName = 'chat' | 'web' | 'voice';

export interface ChildSpec {
  name: ChildName;
  /** Shown to people: "chat service", "web app", "voice agent". */
  label: string;
  command: string;
  args: string[];
  /** The port it listens on, checked to be free before anything starts. */
  port: number | null;
  /** How long it may take to become ready. */
  readyTimeoutMs: number;
  /** How long it gets to finish after SIGTERM before SIGKILL. */
  stopTimeoutMs: number;
  /** What to check when it dies, in words. */
  hint: string;
}

export interface LaunchPlan {
  children: ChildSpec[];
  /** One line for people when voice is not started, null when it is. */
  voiceNotice: string | null;
}

export interface PlanOptions {
  root: string;
  dev: boolean;
  /** The Node.js binary that runs everything (process.execPath). */
  node: string;
}

/**
 * Which children to start, in start order. Stopping goes in reverse: the voice agent and the
 * web app first, the chat service last, so it can finish replies in flight and close sockets cleanly.
 */
export function planLaunch(merged: MergedEnv, options: PlanOptions): LaunchPlan {
  const { root, dev, node } = options;
  const tsx = ['--import', 'tsx'];
  const children: ChildSpec[] = [
    {
      name: 'chat',
      label: 'chat service',
      command: node,
      args: [...tsx, path.join(root, 'libs/chat-service/src/main.ts')],
      port: merged.settings.CHAT_SERVICE_PORT,
      readyTimeoutMs: 60_000,
      stopTimeoutMs: 15_000,
      hint: 'Check its settings (DATABASE_URL, PGLITE_DATA_DIR, REDIS_URL, TICKET_SECRET) in .env.local; `npm run chat-service` runs it alone.',
    },
    {
      name: 'web',
      label: 'web app',
      command: node,
      // Next.js through our server (web-server.ts), not `next start` / `next dev`: it sets X-Forwarded-For.
      args: webServerArgs(root, { dev, port: merged.settings.PORT }),
      port: merged.settings.PORT,
      readyTimeoutMs: 120_000,
      stopTimeoutMs: 8_000,
      hint: dev ? 'See the [web] lines above.' : 'If the build looks broken, delete the .next folder and run npm start again.',
    },
  ];
  let voiceNotice: string | null = null;
  if (voiceConfigured(merged.settings)) {
    children.push({
      name: 'voice',
      label: 'voice agent',
      command: node,
      args: [...tsx, path.join(root, 'libs/voice-agent/src/main.ts'), dev ? 'dev' : 'start'],
      port: null,
      readyTimeoutMs: 60_000,
      stopTimeoutMs: 8_000,
      hint: `Check that a LiveKit server answers at LIVEKIT_URL (${merged.settings.LIVEKIT_URL ?? ''}) with that key and secret, or unset LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET to run without voice.`,
    });
  } else {
    const missing = missingVoiceVariables(merged.settings).join(', ');
    voiceNotice =
      `Voice is not configured (${missing} not set): text chat works; to talk by voice, set ` +
      'LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET in .env.local (LiveKit Cloud, or `livekit-server --dev`). See README.md, "Voice".';
  }
  return { children, voiceNotice };
}
