import { randomUUID } from 'node:crypto';
import { freePort, type ManagedChild } from '../../libs/launcher';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { otherLoopbackAddress, requestFrom, upgradeFrom } from '../support/http-from';
import { inheritedEnv, startWebApp } from './support/web-app';

/**
 * The per-address budgets (new visitors, new accounts, failed sign-ins) count against the address
 * the web server names to the chat service: the last X-Forwarded-For entry. `next start` kept an
 * X-Forwarded-For the client sent, so a client reaching it directly named a new address with each
 * request and had a new budget each time: no bound at all on the guests and accounts a script could
 * make. The web server (libs/launcher/src/web-server.ts) now writes that header itself.
 *
 * Budgets this small need their own chat service (the harness's are huge, every browser test signs
 * people up from this machine) and their own web apps on the harness's build, started as `npm start`
 * starts them. No Chromium: these are the browser's own API calls.
 */

const VISITORS_PER_ADDRESS = 2;
const SIGN_UPS_PER_ADDRESS = 2;

let chat: RunningChatService;
const apps: ManagedChild[] = [];

beforeAll(async () => {
  chat = await startChatService({
    env: { VISITORS_PER_ADDRESS_PER_10_MIN: String(VISITORS_PER_ADDRESS), SIGN_UPS_PER_ADDRESS_PER_HOUR: String(SIGN_UPS_PER_ADDRESS) },
  });
}, 90_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop(10_000)));
  await chat?.stop();
});

/** A web app in front of this file's chat service; `trustProxy`: WEB_TRUST_PROXY. */
async function startApp(name: string, trustProxy: boolean): Promise<string> {
  const port = await freePort();
  const env = {
    ...inheritedEnv(),
    NEXT_TELEMETRY_DISABLED: '1',
    CHAT_SERVICE_URL: chat.httpUrl,
    TICKET_SECRET: chat.env.TICKET_SECRET ?? '',
    CHAT_SERVICE_INTERNAL_TOKEN: chat.env.CHAT_SERVICE_INTERNAL_TOKEN ?? '',
    WEB_TRUST_PROXY: String(trustProxy),
    LOG_LEVEL: 'warn',
  };
  apps.push(await startWebApp({ name, port, env, logFile: `${name}.log` }));
  const app = `http://127.0.0.1:${port}`;
  // Next.js answers upgrade requests from its first request on (web-server.ts).
  await fetch(`${app}/api/auth/me`);
  return app;
}

/** A new person's first ticket request: it makes them a visitor (no cookie is sent back). */
const newVisitor = (app: string, from: string, forwardedFor: string) =>
  requestFrom(from, `${app}/api/ws-ticket`, { method: 'GET', headers: { 'x-forwarded-for': forwardedFor } });

const newAccount = (app: string, from: string, forwardedFor: string) =>
  requestFrom(from, `${app}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ email: `forged-${randomUUID()}@example.test`, password: 'correct horse battery', display_name: 'Forger' }),
  });

describe('reached directly (the default)', () => {
  let app = '';
  beforeAll(async () => {
    app = await startApp('web-server-direct', false);
  }, 90_000);

  it('a client naming a new address in X-Forwarded-For with each request gets no more visitors than one address may', async () => {
    const machine = otherLoopbackAddress();
    const answers = [];
    for (let i = 1; i <= VISITORS_PER_ADDRESS + 2; i++) answers.push(await newVisitor(app, machine, `203.0.113.${i}`));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429, 429]);
    expect(answers[2]?.body).toMatch(/Too many new guest sessions from your network\. Try again in \d+ s\./);

    // It is that machine's budget that is spent, not everyone's.
    expect((await newVisitor(app, otherLoopbackAddress(), '203.0.113.1')).status).toBe(200);
  });

  it('the same for upgrade requests, which run the proxy (making a visitor on a first page visit) like any other', async () => {
    const machine = otherLoopbackAddress();
    for (let i = 1; i <= VISITORS_PER_ADDRESS; i++) await upgradeFrom(machine, `${app}/posts/writing-coach`, { 'x-forwarded-for': `203.0.113.${i}` });
    // Those spent the machine's budget, not the made-up addresses'.
    expect((await newVisitor(app, machine, '203.0.113.99')).status).toBe(429);
  });

  it('nor more new accounts than one address may', async () => {
    const machine = otherLoopbackAddress();
    const statuses = [];
    for (let i = 1; i <= SIGN_UPS_PER_ADDRESS + 1; i++) statuses.push((await newAccount(app, machine, `198.51.100.${i}`)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('behind a trusted reverse proxy (WEB_TRUST_PROXY=true)', () => {
  let app = '';
  beforeAll(async () => {
    app = await startApp('web-server-trusting-proxy', true);
  }, 90_000);

  it("counts each person against the address the proxy appended, not the proxy's own, nor entries further left", async () => {
    const proxy = otherLoopbackAddress();
    const person = '192.0.2.10';
    // The client wrote the first entries (a new one each time); the proxy appended the last.
    const statuses = [];
    for (let i = 1; i <= VISITORS_PER_ADDRESS + 1; i++) statuses.push((await newVisitor(app, proxy, `203.0.113.${i}, ${person}`)).status);
    expect(statuses).toEqual([200, 200, 429]);
    // Someone else behind the same proxy has a budget of their own.
    expect((await newVisitor(app, proxy, '192.0.2.11')).status).toBe(200);
  });
});
