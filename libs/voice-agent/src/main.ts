/**
 * The voice agent worker: `npm run voice-agent` (tsx … main.ts dev) or `… main.ts start` in
 * production. It registers with LiveKit under LIVEKIT_AGENT_NAME and only receives jobs that a
 * room token dispatches to it explicitly (see @confab/livekit/server mintRoomToken).
 */
import { fileURLToPath } from 'node:url';
import { AutoSubscribe, cli, defineAgent, log, ServerOptions, voice, type JobContext, type JobProcess } from '@livekit/agents';
import * as silero from '@livekit/agents-plugin-silero';
import { ChatServiceClient } from './chat-service-client';
import { loadVoiceAgentConfig } from './config';
import { prepareJob, runVoiceJob } from './job';
import { createModels } from './models';

export default defineAgent({
  // Loading Silero once per process keeps the first reply of every job fast.
  prewarm: async (proc: JobProcess) => {
    proc.userData.vad = await silero.VAD.load();
  },
  entry: async (ctx: JobContext) => {
    const config = loadVoiceAgentConfig();
    const logger = log();
    const client = new ChatServiceClient({ baseUrl: config.chatServiceUrl, internalToken: config.internalToken });

    const prepared = await prepareJob(ctx.job.metadata, { client });
    if (!prepared.ok) {
      logger.warn({ room: ctx.job.room?.name, reason: prepared.reason }, 'voice job refused');
      ctx.shutdown(prepared.reason);
      return;
    }
    const vad = ctx.proc.userData.vad;
    if (!(vad instanceof silero.VAD)) throw new Error('Silero VAD was not loaded in prewarm');

    await ctx.connect(undefined, AutoSubscribe.AUDIO_ONLY);
    const job = await runVoiceJob(prepared, {
      client,
      logger,
      historyLimit: config.historyLimit,
      roomName: ctx.room.name ?? ctx.job.room?.name ?? '',
      greet: true,
      createSession: (context) => new voice.AgentSession({ vad, ...createModels(config, context.persona) }),
      startSession: (session, agent) => session.start({ agent, room: ctx.room }),
    });
    ctx.addShutdownCallback(job.finish);
  },
});

// This file is also loaded by each job process (ServerOptions.agent); only the CLI run starts a worker.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const config = loadVoiceAgentConfig();
  cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url), agentName: config.agentName }));
}
