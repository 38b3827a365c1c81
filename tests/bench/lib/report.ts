import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MachineInfo } from './machine';

export interface Table {
  header: string[];
  rows: string[][];
}

export interface Target {
  label: string;
  /** null: could not be judged (a side did not run). */
  met: boolean | null;
  detail: string;
}

export interface BenchResult {
  id: string;
  title: string;
  /** `not run` carries the reason; `ok` carries tables. */
  status: 'ok' | 'not run' | 'failed';
  reason?: string;
  tables: Table[];
  targets: Target[];
  notes: string[];
  seconds: number;
}

export function notRun(id: string, title: string, reason: string): BenchResult {
  return { id, title, status: 'not run', reason, tables: [], targets: [], notes: [], seconds: 0 };
}

export function renderTable(table: Table): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(table.header), line(table.header.map(() => '---')), ...table.rows.map(line)].join('\n');
}

function renderTarget(t: Target): string {
  const mark = t.met === null ? 'not judged' : t.met ? 'met' : 'NOT met';
  return `- ${t.label}: **${mark}** (${t.detail})`;
}

export function renderResult(r: BenchResult): string {
  const parts = [`### ${r.title}`];
  if (r.status !== 'ok') parts.push(`${r.status === 'failed' ? 'Failed' : 'Not run'}: ${r.reason ?? 'unknown reason'}`);
  for (const t of r.tables) parts.push(renderTable(t));
  if (r.targets.length > 0) parts.push(r.targets.map(renderTarget).join('\n'));
  if (r.notes.length > 0) parts.push(r.notes.map((n) => `- ${n}`).join('\n'));
  if (r.status === 'ok') parts.push(`_(${r.seconds.toFixed(0)} s)_`);
  return parts.join('\n\n');
}

export function renderReport(machine: MachineInfo, results: BenchResult[], startedAt: Date): string {
  const header = [
    '## Benchmarks',
    '',
    `Run ${startedAt.toISOString()} with \`npm run bench\`. Every ratio compares Confab with a baseline measured in the same run on the same machine.`,
    '',
    renderTable({
      header: ['CPU', 'cores', 'memory', 'Node.js', 'OS', 'open files limit'],
      rows: [[machine.cpuModel, String(machine.cores), `${machine.memoryGiB} GiB`, machine.node, machine.os, machine.fdLimit]],
    }),
  ].join('\n');
  return [header, ...results.map(renderResult)].join('\n\n') + '\n';
}

export function writeReport(root: string, markdown: string): string {
  const dir = path.join(root, 'test-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'bench.md');
  writeFileSync(file, markdown);
  return file;
}

/** Plain progress output (stdout; the lint rule forbids console.log). */
export function log(message: string): void {
  process.stdout.write(`${message}\n`);
}
