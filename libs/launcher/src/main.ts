import path from 'node:path';
import { startChild, describeExit, type ManagedChild, type Write } from './child';
import { decideBuild, readBuildFacts, writeBuildStamp } from './build';
import { definedOnly, mergeEnv, readEnvFile, type MergedEnv } from './env';
import { formatLine } from './format';
import { planLaunch, type ChildSpec } from './plan';
import { isPortFree, waitForPort } from './ports';
import { isReadyLine } from './readiness';
import { RestartBudget } from './restarts';

/**
 * `npm start` / `npm run dev`: one command that runs all of Confab.
 * chat service → (next build when needed) → Next.js → voice agent (only when LiveKit is configured).
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const write: Write = (text) => {
  process.stdout.write(text);
};
const say = (text: string): void => write(`${formatLine('confab', text, { color })}\n`);

const USAGE = `Usage: npm start        build if needed, then run Confab (chat service, web app, voice agent)
       npm run dev      the same with Next.js in development mode (hot reload, no build)
Settings come from the environment and .env.local (see .env.local.example).`;

class LaunchError extends Error {}

const running: ManagedChild[] = [];
let specs: ChildSpec[] = [];
let stopping = false;

async function stopAll(): Promise<void> {
  stopping = true;
  for (const child of [...running].reverse()) {
    if (child.hasExited()) continue;
    const spec = specs.find((s) => s.name === child.name);
    say(`stopping the ${child.label}…`);
    await child.stop(spec?.stopTimeoutMs ?? 5_000);
  }
}

function failureDetails(child: ManagedChild): string {
  const lines = child.tail.slice(-15);
  return lines.length ? `\nLast output of the ${child.label}:\n${lines.map((l) => formatLine(child.name, l, { color })).join('\n')}` : '';
}

async function waitUntilReady(child: ManagedChild, spec: ChildSpec, isReady: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    isReady.then(() => 'ready' as const),
    child.exited.then((result) => result),
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), spec.readyTimeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome === 'ready') return;
  if (outcome === 'timeout') {
    throw new LaunchError(`The ${spec.label} did not become ready within ${spec.readyTimeoutMs / 1000} s.${failureDetails(child)}`);
  }
  throw new LaunchError(`The ${spec.label} ${describeExit(outcome)} while starting.${failureDetails(child)}\n${spec.hint}`);
}

function launch(spec: ChildSpec, merged: MergedEnv): { child: ManagedChild; ready: Promise<void> } {
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const child = startChild({
    name: spec.name,
    label: spec.label,
    command: spec.command,
    args: spec.args,
    cwd: ROOT,
    env: merged.env,
    write,
    color,
    onLine: (line) => {
      if (isReadyLine(spec.name, line)) markReady();
    },
  });
  // Both servers listen only once they can serve (Next.js prepared; the database migrated and
  // seeded): an open port is proof enough, and their `… listening` lines are not printed with
  // LOG_LEVEL=warn. (The voice agent has no port: its line is the only sign.)
  if (spec.port !== null) {
    void waitForPort(spec.port, '127.0.0.1', spec.readyTimeoutMs).then((open) => {
      if (open) markReady();
    });
  }
  running.push(child);
  return { child, ready };
}

async function buildIfNeeded(merged: MergedEnv): Promise<void> {
  const decision = decideBuild(readBuildFacts(ROOT, merged.env));
  if (!decision.build) {
    say('using the existing production build (.next is up to date)');
    return;
  }
  say(`building the web app (${decision.reason}); this takes a minute or two…`);
  const started = Date.now();
  const nextBin = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
  const build = startChild({ name: 'build', label: 'build', command: process.execPath, args: [nextBin, 'build'], cwd: ROOT, env: merged.env, write, color });
  running.push(build);
  const result = await build.exited;
  running.splice(running.indexOf(build), 1);
  if (stopping) throw new LaunchError('Stopped while building.');
  if (result.code !== 0) throw new LaunchError(`next build ${describeExit(result)}: the web app could not be built (see the [build] lines above).`);
  writeBuildStamp(ROOT, merged.env);
  say(`build finished in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    write(`${USAGE}\n`);
    return 0;
  }
  const dev = argv.includes('--dev');
  const envFile = path.join(ROOT, '.env.local');
  const fileEnv = readEnvFile(envFile);
  const merged = mergeEnv(definedOnly(process.env), fileEnv);
  merged.env.NEXT_TELEMETRY_DISABLED ??= '1';
  const plan = planLaunch(merged, { root: ROOT, dev, node: process.execPath });
  specs = plan.children;

  say(`starting Confab (${dev ? 'development mode' : 'production mode'})${Object.keys(fileEnv).length ? ', settings from .env.local' : ''}`);
  if (merged.generated.length) {
    say(`generated ${merged.generated.join(' and ')} for this run (shared by every part; set them in .env.local to fix them)`);
  }

  for (const spec of plan.children) {
    if (spec.port === null) continue;
    if (!(await isPortFree(spec.port))) {
      const variable = spec.name === 'web' ? 'PORT' : 'CHAT_SERVICE_PORT';
      throw new LaunchError(
        `Port ${spec.port} (${spec.label}) is already in use by another program. ` +
          `Stop that program, or choose another port: ${variable}=<port> npm start (or set it in .env.local).`,
      );
    }
  }

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      say(`${signal} again: killing everything now`);
      for (const child of running) {
        if (child.process.pid !== undefined && !child.hasExited()) {
          try {
            process.kill(-child.process.pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
      }
      process.exit(130);
    }
    say(`${signal} received: shutting down`);
    void stopAll().then(() => {
      say('stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  if (!dev) await buildIfNeeded(merged);

  for (const spec of plan.children) {
    if (stopping) return 0;
    const { child, ready } = launch(spec, merged);
    if (spec.name === 'voice') {
      void ready.then(() => say('voice agent registered with LiveKit'));
      continue;
    }
    await waitUntilReady(child, spec, ready);
    say(`${spec.label} ready${spec.port !== null ? ` on port ${spec.port}` : ''}`);
  }
  if (plan.voiceNotice) say(plan.voiceNotice);
  write(`\n  ${color ? '\u001b[1;32m' : ''}Confab is running: open http://localhost:${merged.settings.PORT}${color ? '\u001b[0m' : ''}\n  Press Ctrl-C to stop.\n\n`);

  return superviseRunning(merged);
}

/**
 * From now on, a part that stops is started again (its browsers and the other parts reconnect by
 * themselves); one that keeps stopping (`RestartBudget`) takes everything down with a hint.
 */
async function superviseRunning(merged: MergedEnv): Promise<number> {
  const budgets = new Map<string, RestartBudget>();
  for (;;) {
    const { child, result } = await Promise.race(running.map((c) => c.exited.then((exit) => ({ child: c, result: exit }))));
    if (stopping) return 0;
    running.splice(running.indexOf(child), 1);
    const spec = specs.find((sp) => sp.name === child.name);
    const budget = budgets.get(child.name) ?? new RestartBudget();
    budgets.set(child.name, budget);
    if (!spec || !budget.take(Date.now())) {
      say(`The ${child.label} ${describeExit(result)} again and again: stopping Confab.${failureDetails(child)}`);
      if (spec) say(spec.hint);
      await stopAll();
      return 1;
    }
    say(`The ${child.label} ${describeExit(result)}: starting it again (open pages reconnect by themselves).`);
    const restarted = launch(spec, merged);
    try {
      await waitUntilReady(restarted.child, spec, restarted.ready);
    } catch (error) {
      if (stopping) return 0;
      say(error instanceof Error ? error.message : String(error));
      await stopAll();
      return 1;
    }
    say(`${spec.label} ready again${spec.port !== null ? ` on port ${spec.port}` : ''}`);
  }
}

// While a signal-triggered shutdown runs, its handler exits the process when it is done.
main(process.argv.slice(2)).then(
  (code) => {
    if (!stopping || code !== 0) process.exit(code);
  },
  async (err: unknown) => {
    if (stopping) return;
    const message = err instanceof Error ? err.message : String(err);
    write(`\n${formatLine('confab', `Confab could not start: ${message}`, { color })}\n`);
    await stopAll();
    process.exit(1);
  },
);
