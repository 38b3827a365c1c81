import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * `npm test`: every check, in order, and one closing line.
 *   1. tsc --noEmit      (counts as 1 test)
 *   2. eslint .          (counts as 1 test)
 *   3. jest --ci, all three projects (unit, integration, browser), each test counted
 * The last line is exactly `tests: N passed, N failed`; skipped tests are listed above it in
 * words and never counted as passed. Exit code 1 when anything failed.
 */

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'test-results');
const bin = (name: string): string => path.join(ROOT, 'node_modules', '.bin', name);
const out = (text: string): void => {
  process.stdout.write(text);
};
const JEST_TIMEOUT_MS = Number(process.env.CONFAB_JEST_TIMEOUT_MS ?? 17 * 60_000);

interface StepResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
  /** Lines for the summary. */
  notes: string[];
}

function banner(title: string): void {
  out(`\n━━━ ${title} ${'━'.repeat(Math.max(3, 72 - title.length))}\n`);
}

/** Runs a command with output streamed to the terminal; resolves with its exit code and captured text. */
function runCommand(command: string, args: string[], options: { timeoutMs?: number } = {}): Promise<{ code: number; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    });
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }, options.timeoutMs)
      : undefined;
    child.on('error', (err) => {
      output += String(err);
      resolve({ code: 127, output, timedOut });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output, timedOut });
    });
  });
}

const seconds = (started: number): number => Math.round((Date.now() - started) / 100) / 10;

async function staticCheck(name: string, command: string, args: string[], countProblems: (output: string) => string): Promise<StepResult> {
  banner(name);
  const started = Date.now();
  const { code, output } = await runCommand(command, args);
  const ok = code === 0;
  const notes = ok ? [] : [`✗ ${name} failed (exit ${code}): ${countProblems(output)} — see its output above`];
  out(ok ? `✓ ${name} passed\n` : `${notes[0]}\n`);
  return { name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, seconds: seconds(started), notes };
}

const AssertionResult = z.object({
  ancestorTitles: z.array(z.string()),
  title: z.string(),
  fullName: z.string().optional(),
  status: z.string(),
  duration: z.number().nullable().optional(),
  failureMessages: z.array(z.string()).optional(),
});
const SuiteResult = z.object({
  name: z.string(),
  status: z.string(),
  message: z.string(),
  startTime: z.number(),
  endTime: z.number(),
  assertionResults: z.array(AssertionResult),
});
const JestJson = z.object({
  success: z.boolean(),
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number(),
  numRuntimeErrorTestSuites: z.number(),
  testResults: z.array(SuiteResult),
});
type JestJson = z.infer<typeof JestJson>;

function projectOf(file: string): string {
  const rel = path.relative(ROOT, file);
  if (rel.startsWith(`tests${path.sep}browser`)) return 'browser';
  if (rel.startsWith(`tests${path.sep}integration`)) return 'integration';
  return 'unit';
}

function summariseJest(report: JestJson): StepResult & { byProject: Record<string, { passed: number; failed: number; skipped: number; seconds: number }> } {
  const byProject: Record<string, { passed: number; failed: number; skipped: number; seconds: number }> = {};
  const notes: string[] = [];
  const skippedTitles = new Map<string, number>();
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const suite of report.testResults) {
    const project = projectOf(suite.name);
    const p = (byProject[project] ??= { passed: 0, failed: 0, skipped: 0, seconds: 0 });
    p.seconds += (suite.endTime - suite.startTime) / 1000;
    const file = path.relative(ROOT, suite.name);
    if (suite.assertionResults.length === 0 && suite.status === 'failed') {
      // The file could not run at all (syntax error, failing import, beforeAll outside tests…).
      failed += 1;
      p.failed += 1;
      const firstLine = suite.message.split('\n').find((l) => l.trim() !== '') ?? 'failed to run';
      notes.push(`✗ ${project} › ${file}: the test file failed to run: ${firstLine.trim()}`);
      continue;
    }
    for (const test of suite.assertionResults) {
      const title = [...test.ancestorTitles, test.title].join(' › ');
      if (test.status === 'passed') {
        passed += 1;
        p.passed += 1;
      } else if (test.status === 'failed') {
        failed += 1;
        p.failed += 1;
        const reason = (test.failureMessages?.[0] ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
        notes.push(`✗ ${project} › ${file} › ${title}${reason ? `\n      ${reason.trim()}` : ''}`);
      } else {
        skipped += 1;
        p.skipped += 1;
        skippedTitles.set(title, (skippedTitles.get(title) ?? 0) + 1);
      }
    }
  }
  if (skipped > 0) {
    const list = [...skippedTitles.entries()].map(([t, n]) => (n > 1 ? `${t} ×${n}` : t)).join('; ');
    notes.push(`skipped: ${skipped} (${list})`);
  }
  return { name: 'jest', passed, failed, skipped, seconds: 0, notes, byProject };
}

async function jestStep(): Promise<StepResult> {
  banner('jest (unit, integration, browser)');
  const started = Date.now();
  const jsonFile = path.join(tmpdir(), `confab-jest-${process.pid}.json`);
  rmSync(jsonFile, { force: true });
  const { code, output, timedOut } = await runCommand(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--forceExit', '--json', `--outputFile=${jsonFile}`],
    { timeoutMs: JEST_TIMEOUT_MS },
  );
  const elapsed = seconds(started);
  if (!existsSync(jsonFile)) {
    const why = timedOut ? `jest was stopped after ${JEST_TIMEOUT_MS / 60_000} minutes` : `jest exited with code ${code} without a report`;
    const last = output.trim().split('\n').slice(-5).join('\n      ');
    return { name: 'jest', passed: 0, failed: 1, skipped: 0, seconds: elapsed, notes: [`✗ ${why}:\n      ${last}`] };
  }
  const parsed = JestJson.safeParse(JSON.parse(readFileSync(jsonFile, 'utf8')));
  rmSync(jsonFile, { force: true });
  if (!parsed.success) {
    return { name: 'jest', passed: 0, failed: 1, skipped: 0, seconds: elapsed, notes: ['✗ jest wrote a report this script cannot read'] };
  }
  const summary = summariseJest(parsed.data);
  summary.seconds = elapsed;
  const timing = Object.entries(summary.byProject)
    .map(([name, p]) => `${name} ${p.passed} passed, ${p.failed} failed${p.skipped ? `, ${p.skipped} skipped` : ''} (${Math.round(p.seconds)} s in test files)`)
    .join('; ');
  summary.notes.unshift(`jest: ${timing || 'no test files ran'}`);
  if (timedOut) {
    summary.failed += 1;
    summary.notes.push(`✗ jest was stopped after ${JEST_TIMEOUT_MS / 60_000} minutes`);
  } else if (code !== 0 && summary.failed === 0) {
    // e.g. a failing globalSetup/teardown or a coverage threshold: still a failure, in words.
    summary.failed += 1;
    const last = output.trim().split('\n').slice(-3).join('\n      ');
    summary.notes.push(`✗ jest exited with code ${code} although no test failed:\n      ${last}`);
  }
  if (summary.passed + summary.failed + summary.skipped === 0) {
    summary.failed += 1;
    summary.notes.push('✗ jest ran no tests');
  }
  return summary;
}

async function main(): Promise<number> {
  mkdirSync(RESULTS, { recursive: true });
  const started = Date.now();
  const steps: StepResult[] = [];
  steps.push(await staticCheck('typecheck (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', '.'], (o) => `${(o.match(/error TS\d+/g) ?? []).length} type error(s)`));
  steps.push(
    await staticCheck('lint (eslint .)', bin('eslint'), ['.'], (o) => {
      const m = /(\d+) problems? \((\d+) errors?/.exec(o);
      return m ? `${m[2]} error(s)` : 'eslint could not run';
    }),
  );
  steps.push(await jestStep());

  const passed = steps.reduce((n, s) => n + s.passed, 0);
  const failed = steps.reduce((n, s) => n + s.failed, 0);
  banner('summary');
  for (const step of steps) {
    out(`${step.failed ? '✗' : '✓'} ${step.name}: ${step.passed} passed, ${step.failed} failed${step.skipped ? `, ${step.skipped} skipped` : ''} (${step.seconds} s)\n`);
  }
  for (const step of steps) for (const note of step.notes) out(`${note}\n`);
  out(`total time ${Math.round((Date.now() - started) / 1000)} s\n`);
  const line = `tests: ${passed} passed, ${failed} failed`;
  writeFileSync(path.join(RESULTS, 'tests-line.txt'), `${line}\n`);
  out(`${line}\n`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`run-all crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    out('tests: 0 passed, 1 failed\n');
    process.exit(1);
  },
);
