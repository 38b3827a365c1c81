import type { AgentPersona } from '@confab/protocol';

/**
 * Whether the built-in demo agent (canned answers) speaks for this persona. The chat service
 * answers with the demo agent when OPENAI_BASE_URL is unset, and the launcher gives the Next.js
 * server the same environment, so the page can tell before any reply exists. A persona whose
 * model is literally "demo" is always the demo agent. (Messages also carry `model: "demo"`,
 * which the conversation view labels per message.)
 */
export function isDemoAgent(agent: Pick<AgentPersona, 'model'>, openAiBaseUrl: string | undefined): boolean {
  return agent.model === 'demo' || !openAiBaseUrl;
}
