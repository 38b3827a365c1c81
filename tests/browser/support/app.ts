import type { BrowserContext, Locator, Page } from 'playwright-core';
import { PostsResponse, type Post } from '@confab/protocol';
import type { HarnessEnv } from './harness-env';

/**
 * Page-level helpers that follow the page contract in docs/architecture.md ("Pages and what
 * people see"): they find things by role and accessible name, as a person (or a screen reader) would.
 */

/** The seeded posts, straight from the chat service (what the home page should list). */
export async function seededPosts(env: HarnessEnv): Promise<Post[]> {
  const res = await fetch(`${env.chatHttpUrl}/v1/posts`);
  if (!res.ok) throw new Error(`GET /v1/posts answered ${res.status}`);
  const body = PostsResponse.parse(await res.json());
  if (body.posts.length === 0) throw new Error('the chat service has no seeded posts');
  return body.posts;
}

export function conversation(page: Page): Locator {
  return page.getByRole('region', { name: 'Conversation' });
}

export function messageItems(page: Page): Locator {
  return conversation(page).getByRole('listitem');
}

export function agentMessages(page: Page): Locator {
  return messageItems(page).and(page.locator('[data-author-kind="agent"]'));
}

export function composer(page: Page): { box: Locator; send: Locator } {
  const region = conversation(page);
  return { box: region.getByRole('textbox', { name: 'Message' }), send: region.getByRole('button', { name: 'Send', exact: true }) };
}

/** Waits for the live connection (the connection-status element says `open`). */
export async function waitForConnection(page: Page, timeoutMs = 20_000): Promise<void> {
  await page.locator('[data-testid="connection-status"][data-state="open"]').waitFor({ state: 'attached', timeout: timeoutMs });
}

export async function sendMessage(page: Page, text: string): Promise<void> {
  const { box, send } = composer(page);
  await box.fill(text);
  await send.click();
}

/** Opens the home page and follows the link of a post, checking the post page's heading. */
export async function openPost(page: Page, post: Post): Promise<void> {
  await page.goto('/');
  await page.getByRole('heading', { name: 'Talk to an agent' }).waitFor();
  await page.getByRole('link', { name: post.title, exact: true }).click();
  await page.getByRole('heading', { name: post.title, exact: true }).waitFor();
}

/** From the home page, starts a private thread with a post's agent and waits for its socket. */
export async function startThread(page: Page, post: Post): Promise<void> {
  await openPost(page, post);
  await page.getByRole('button', { name: 'Start a private thread' }).click();
  await page.waitForURL(/\/threads\//);
  await waitForConnection(page);
}

export async function signUp(page: Page, account: { email: string; password: string; displayName: string }): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Email', { exact: true }).fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByLabel('Display name', { exact: true }).fill(account.displayName);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  // Signed in: the header shows the display name and a "Sign out" button.
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Polls `read` every `intervalMs` until `done` says so; returns every value seen. */
export async function sample<T>(read: () => Promise<T>, done: (value: T) => boolean, options: { intervalMs: number; timeoutMs: number }): Promise<T[]> {
  const seen: T[] = [];
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await read();
    seen.push(value);
    if (done(value)) return seen;
    if (Date.now() > deadline) throw new Error(`gave up after ${options.timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, options.intervalMs));
  }
}

/**
 * Routes the context's chat sockets so that a message with exactly this text is answered with an
 * error naming it, as the chat service answers one it refuses (e.g. over a limit), the first
 * `times` times it is sent; everything else goes through to the real service.
 */
export async function refuseMessage(context: BrowserContext, text: string, times = Number.POSITIVE_INFINITY): Promise<void> {
  let refused = 0;
  await context.routeWebSocket(/\/ws\/v1\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((frame) => {
      const parsed = typeof frame === 'string' && frame.startsWith('{') ? (JSON.parse(frame) as { event?: string; data?: { message?: string; client_message_id?: string } }) : null;
      if (refused < times && parsed?.event === 'action' && parsed.data?.message === text && parsed.data.client_message_id) {
        refused += 1;
        ws.send(JSON.stringify({ event: 'error', data: { code: 'VALIDATION_ERROR', message: 'Refused by the test.', client_message_id: parsed.data.client_message_id } }));
      } else {
        server.send(frame);
      }
    });
  });
}
