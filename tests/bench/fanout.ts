import type { FanoutReply } from './load/messages';
import { LoadGenerator } from './lib/load';
import { log, type BenchResult, type Table } from './lib/report';
import { chatServiceMissing } from './lib/servers';
import { bareSide, confabSide, type Side } from './lib/sides';
import { fmt, KiB, ratio, sleep } from './lib/stats';
import { MESSAGE_RATE_LIMIT } from '@confab/protocol';

/**
 * Fan-out: N sockets in one post conversation, a few senders at a fixed rate; delivery latency,
 * delivered messages per second and server RSS per connection, against a bare `ws` broadcast
 * server doing the same work in the same run.
 */

interface Scenario {
  clients: number;
  ratePerSecond: number;
  durationS: number;
}

export const FANOUT_SCENARIOS: Record<'full' | 'quick', Scenario[]> = {
  full: [
    { clients: 1_000, ratePerSecond: 10, durationS: 15 },
    { clients: 5_000, ratePerSecond: 2, durationS: 20 },
  ],
  quick: [{ clients: 200, ratePerSecond: 10, durationS: 5 }],
};

/** Stay under the chat service's per-identity message limit: each sender identity sends at most this many. */
const MAX_PER_SENDER = MESSAGE_RATE_LIMIT - 1;
const PADDING = 120;

interface SideRun {
  name: string;
  rssPerConn: number;
  result: FanoutReply;
  connectErrors: string[];
}

async function runSide(makeSide: () => Promise<Side>, s: Scenario, runId: string): Promise<SideRun> {
  const side = await makeSide();
  const load = LoadGenerator.start();
  try {
    const total = Math.round(s.ratePerSecond * s.durationS);
    const receivers = await side.receivers(s.clients);
    const senders = await side.senders(Math.ceil(total / MAX_PER_SENDER));
    await sleep(1_000);
    const rssBefore = side.server.rss();
    const connected = await load.connect(receivers, s.clients);
    log(`  ${side.server.name}: ${connected.open} sockets open in ${connected.seconds.toFixed(1)} s (${connected.failed} failed)`);
    if (connected.open < s.clients) throw new Error(`only ${connected.open}/${s.clients} sockets opened: ${connected.errors.join('; ')}`);
    await sleep(2_000);
    const rssPerConn = (side.server.rss() - rssBefore) / connected.open;
    const result = await load.fanout({ runId, senders, maxPerSender: MAX_PER_SENDER, ratePerSecond: s.ratePerSecond, durationS: s.durationS, drainMs: 15_000, padding: PADDING });
    return { name: side.server.name, rssPerConn, result, connectErrors: connected.errors };
  } finally {
    await load.close().catch(() => undefined);
    await side.server.stop();
  }
}

function row(run: SideRun): string[] {
  const r = run.result;
  const lat = r.latencyMs;
  return [
    run.name,
    fmt(lat.p50, 2),
    fmt(lat.p99, 2),
    fmt(lat.max, 1),
    fmt(r.delivered / r.seconds, 0),
    `${fmt((100 * r.delivered) / Math.max(1, r.expected), 2)} %`,
    fmt(run.rssPerConn / KiB, 1),
    fmt(r.clientCpuS, 1),
  ];
}

export async function fanoutBench(scale: 'full' | 'quick'): Promise<BenchResult> {
  const title = '1. Fan-out: one post conversation, many sockets';
  const missing = chatServiceMissing();
  const started = Date.now();
  const table: Table = {
    header: ['clients / rate', 'server', 'p50 ms', 'p99 ms', 'max ms', 'delivered msg/s', 'delivered', 'server RSS/conn KiB', 'client CPU s'],
    rows: [],
  };
  const result: BenchResult = { id: 'fanout', title, status: 'ok', tables: [table], targets: [], notes: [], seconds: 0 };
  for (const [i, s] of FANOUT_SCENARIOS[scale].entries()) {
    const label = `${s.clients.toLocaleString('en-US')} @ ${s.ratePerSecond}/s × ${s.durationS} s`;
    log(`fanout ${label}`);
    const bare = await runSide(bareSide, s, `b${i}`);
    table.rows.push([label, ...row(bare)]);
    if (missing) {
      result.notes.push(`Confab not run: ${missing}.`);
      continue;
    }
    let confab: SideRun;
    try {
      confab = await runSide(confabSide, s, `c${i}`);
    } catch (error) {
      result.notes.push(`Confab at ${label} failed: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    table.rows.push(['', ...row(confab)]);
    const b = bare.result.latencyMs;
    const c = confab.result.latencyMs;
    table.rows.push(['', '**Confab / bare**', ratio(c.p50, b.p50), `**${ratio(c.p99, b.p99)}**`, ratio(c.max, b.max),
      ratio(confab.result.delivered / confab.result.seconds, bare.result.delivered / bare.result.seconds), '', ratio(confab.rssPerConn, bare.rssPerConn), '']);
    const complete = (r: FanoutReply): boolean => r.delivered >= 0.999 * r.expected;
    const met = !complete(confab.result) ? false : !complete(bare.result) ? null : c.p99 <= 1.3 * b.p99;
    const saturated = complete(bare.result) ? '' : '; the bare baseline did not deliver everything (saturated machine), so this is not judged';
    result.targets.push({ label: `p99 ≤ 1.3× bare at ${s.clients.toLocaleString('en-US')} clients`, met, detail: `${fmt(c.p99, 2)} ms vs ${fmt(b.p99, 2)} ms = ${ratio(c.p99, b.p99)}${saturated}` });
    const errors = confab.result.senderErrors;
    if (errors.length > 0) result.notes.push(`Confab sender errors at ${label}: ${[...new Set(errors)].slice(0, 3).join('; ')}`);
  }
  result.notes.push(
    `Latency: from \`action next\` sent to the \`message\` frame received, on every receiver; sender and receivers share one clock in one load-generator process, separate from the server. Senders are signed-in users sending ≤ ${MAX_PER_SENDER} messages each (the per-identity limit is ${MESSAGE_RATE_LIMIT}/min); receivers are visitors (10 sockets per identity).`,
  );
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

