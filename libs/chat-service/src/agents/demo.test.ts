import { composeDemoReply, createDemoAgent } from './demo';
import { testMessage, testPersona } from './test-fixtures';
import type { AgentChunk } from './types';

const persona = testPersona({ instructions: 'You are Ada, a patient maths tutor.', greeting: 'Hello! Ask me about numbers.' });
const message = testMessage;

describe('composeDemoReply', () => {
  it('names the persona, says it is the demo agent and quotes the last human message without the mention', () => {
    const reply = composeDemoReply(persona, [message(1, 'user', 'First'), message(2, 'agent', 'Hi'), message(3, 'user', '@ada what is 2+2?')]);
    expect(reply).toContain('**Ada**');
    expect(reply).toContain('demo agent');
    expect(reply).toContain('> what is 2+2?');
    expect(reply).toContain('asks a question');
    expect(reply).not.toContain('First');
  });

  it('is deterministic', () => {
    const history = [message(1, 'visitor', 'Tell me something')];
    expect(composeDemoReply(persona, history)).toBe(composeDemoReply(persona, history));
  });

  it('greets when nobody has said anything yet', () => {
    expect(composeDemoReply(persona, [])).toContain('Hello! Ask me about numbers.');
  });

  it('quotes a message of several lines line by line, so its list or code keeps its shape', () => {
    const reply = composeDemoReply(persona, [message(1, 'user', '@ada Two things:\n\n- one\n- two   spaced')]);
    expect(reply).toContain('> Two things:\n> \n> - one\n> - two spaced');
  });

  it("in a post's shared conversation, names who wrote instead of saying 'you' to every reader", () => {
    const bob = { ...message(1, 'user', '@ada review this?'), author: { kind: 'user' as const, id: null, display_name: 'Bob *the* [builder]' } };
    const shared = composeDemoReply(persona, [bob], true);
    expect(shared).toContain('\n\nHere is what **\u2068Bob \\*the\\* \\[builder\\]\u2069** said:\n\n> review this?');
    expect(shared).toContain('\n- The message has **2** words and asks a question.\n');
    expect(shared).not.toContain('you said');
    expect(composeDemoReply(persona, [bob])).toContain('\n\nHere is what you said:\n\n> review this?');
  });

  it('never starts a line with the writer\'s name, and holds it in a bidi isolate', () => {
    // A block's direction (`dir="auto"`) comes from its first letter, even inside an isolate: a
    // Hebrew name first would turn the English sentence right to left.
    const avi = { ...message(1, 'user', '@ada one word'), author: { kind: 'user' as const, id: null, display_name: 'אבי כהן' } };
    const shared = composeDemoReply(persona, [avi], true);
    expect(shared).toContain('Here is what **\u2068אבי כהן\u2069** said:');
    const linesStartingWithAName = shared.split('\n').filter((line) => /^[-*>#\s]*[\u2068\p{Script=Hebrew}]/u.test(line));
    expect(linesStartingWithAName).toEqual([]);
    expect(shared).toContain('- The message has **2** words.');
  });

  it('shortens a long quote', () => {
    const reply = composeDemoReply(persona, [message(1, 'user', 'word '.repeat(500))]);
    expect(reply.length).toBeLessThan(1000);
    expect(reply).toContain('…');
  });
});

async function collect(stream: AsyncIterable<AgentChunk>): Promise<AgentChunk[]> {
  const chunks: AgentChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('createDemoAgent', () => {
  const history = [message(1, 'user', 'How do fractions work?')];

  it('streams the reply word by word and finishes with model "demo" and token counts', async () => {
    const agent = createDemoAgent({ tokenDelayMs: 0 });
    const chunks = await collect(agent.stream({ persona, history, signal: new AbortController().signal }));
    const deltas = chunks.filter((c) => c.type === 'delta');
    const done = chunks.at(-1);
    expect(deltas.length).toBeGreaterThan(10);
    expect(deltas.map((c) => (c.type === 'delta' ? c.text : '')).join('')).toBe(composeDemoReply(persona, history));
    expect(done).toEqual({
      type: 'done',
      finishReason: 'stop',
      model: 'demo',
      usage: { prompt_tokens: 7 + 4, completion_tokens: deltas.length },
    });
    expect(agent.isDemo).toBe(true);
    expect(agent.modelFor(persona)).toBe('demo');
  });

  it('stops promptly when aborted and never sends done', async () => {
    const agent = createDemoAgent({ tokenDelayMs: 20 });
    const controller = new AbortController();
    const chunks: AgentChunk[] = [];
    const started = Date.now();
    await expect(
      (async () => {
        for await (const chunk of agent.stream({ persona, history, signal: controller.signal })) {
          chunks.push(chunk);
          if (chunks.length === 3) controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(chunks).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
