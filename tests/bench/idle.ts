import { LoadGenerator } from './lib/load';
import { log, type BenchResult, type Table } from './lib/report';
import { chatServiceMissing } from './lib/servers';
import { bareSide, confabSide, type Side } from './lib/sides';
import { fmt, GiB, KiB, MiB, ratio, sleep } from './lib/stats';

/**
 * Idle connections: server memory per open authenticated socket, measured in steps up to
 * 10,000 sockets (RSS of the server's process tree, and V8 heap where the server reports it).
 */

export const IDLE_STEPS: Record<'full' | 'quick', number[]> = {
  full: [2_500, 5_000, 10_000],
  quick: [250, 500],
};

interface Step {
  open: number;
  /** Sockets opened per second in this step (ticket, upgrade, `connected`). */
  connectRate: number;
  rss: number;
  heap: number | null;
}

interface IdleRun {
  name: string;
  base: Step;
  steps: Step[];
}

async function runSide(makeSide: () => Promise<Side>, steps: number[]): Promise<IdleRun> {
  const side = await makeSide();
  const load = LoadGenerator.start();
  try {
    const max = steps[steps.length - 1] ?? 0;
    const target = await side.receivers(max);
    await sleep(1_500);
    const base: Step = { open: 0, connectRate: Number.NaN, rss: side.server.rss(), heap: await side.server.heapUsed() };
    const out: Step[] = [];
    let open = 0;
    for (const goal of steps) {
      const reply = await load.connect(target, goal - open);
      const connectRate = (reply.open - open) / Math.max(0.001, reply.seconds);
      open = reply.open;
      if (reply.failed > 0) log(`  ${side.server.name}: ${reply.failed} sockets failed: ${reply.errors.join('; ')}`);
      await sleep(2_000);
      out.push({ open, connectRate, rss: side.server.rss(), heap: await side.server.heapUsed() });
      log(`  ${side.server.name}: ${open} sockets, server RSS ${fmt(out[out.length - 1]!.rss / MiB, 1)} MiB`);
    }
    return { name: side.server.name, base, steps: out };
  } finally {
    await load.close().catch(() => undefined);
    await side.server.stop();
  }
}

const perConn = (run: IdleRun, step: Step): number => (step.rss - run.base.rss) / Math.max(1, step.open);
const heapPerConn = (run: IdleRun, step: Step): number =>
  step.heap === null || run.base.heap === null ? Number.NaN : (step.heap - run.base.heap) / Math.max(1, step.open);

export async function idleBench(scale: 'full' | 'quick'): Promise<BenchResult> {
  const started = Date.now();
  const steps = IDLE_STEPS[scale];
  const table: Table = {
    header: ['server', 'open sockets', 'server RSS MiB', 'RSS/conn KiB', 'heap/conn KiB', 'connections per GiB (RSS)', 'sockets opened/s'],
    rows: [],
  };
  const result: BenchResult = { id: 'idle', title: '2. Idle authenticated connections', status: 'ok', tables: [table], targets: [], notes: [], seconds: 0 };
  const runs: IdleRun[] = [];
  log('idle: bare ws');
  runs.push(await runSide(bareSide, steps));
  const missing = chatServiceMissing();
  if (missing) result.notes.push(`Confab not run: ${missing}.`);
  else {
    log('idle: Confab');
    try {
      runs.push(await runSide(confabSide, steps));
    } catch (error) {
      result.notes.push(`Confab failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const run of runs) {
    table.rows.push([run.name, '0', fmt(run.base.rss / MiB, 1), '', '', '', '']);
    for (const step of run.steps) {
      const pc = perConn(run, step);
      table.rows.push(['', step.open.toLocaleString('en-US'), fmt(step.rss / MiB, 1), fmt(pc / KiB, 2), fmt(heapPerConn(run, step) / KiB, 2), fmt(GiB / pc, 0), fmt(step.connectRate, 0)]);
    }
  }
  const [bare, confab] = runs;
  const last = (run: IdleRun): Step | undefined => run.steps[run.steps.length - 1];
  if (bare && confab && last(bare) && last(confab)) {
    const b = perConn(bare, last(bare)!);
    const c = perConn(confab, last(confab)!);
    table.rows.push(['**Confab / bare**', '', '', `**${ratio(c, b)}**`, '', ratio(GiB / c, GiB / b), '']);
    result.targets.push({
      label: '≥ 10,000 idle connections per GiB',
      met: GiB / c >= 10_000 && last(confab)!.open >= Math.min(10_000, steps[steps.length - 1]!),
      detail: `${fmt(GiB / c, 0)} per GiB at ${last(confab)!.open.toLocaleString('en-US')} sockets (${fmt(c / KiB, 2)} KiB each)`,
    });
  }
  result.notes.push(
    'Per-connection figures are (RSS at step − RSS before any socket) / open sockets, after 2 s of settling; Confab sockets are visitors holding a ticket-authenticated socket on a post conversation (10 per identity), each having sent `sync` like the real client. The bare server holds plain sockets.',
  );
  result.seconds = (Date.now() - started) / 1000;
  return result;
}
