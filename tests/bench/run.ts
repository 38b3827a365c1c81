import { fanoutBench } from './fanout';
import { idleBench } from './idle';
import { ROOT } from './lib/child';
import { machineInfo } from './lib/machine';
import { log, renderReport, renderResult, writeReport, type BenchResult } from './lib/report';
import { renderBench } from './render';
import { streamBytesBench } from './stream-bytes';
import { weightBench } from './weight';

/**
 * `npm run bench [-- <name>...] [-- --quick]`: runs the selected benchmarks (all by default),
 * prints each one's table and writes test-results/bench.md for the README.
 * Names: fanout, idle, render, weight, stream-bytes. `--quick` shrinks every size for a smoke run.
 */

type Scale = 'full' | 'quick';
const BENCHES: Record<string, (scale: Scale) => Promise<BenchResult>> = {
  fanout: fanoutBench,
  idle: idleBench,
  render: renderBench,
  weight: weightBench,
  'stream-bytes': streamBytesBench,
};

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const scale: Scale = args.includes('--quick') ? 'quick' : 'full';
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
    return 2;
  }
  const selected = names.length > 0 ? names : Object.keys(BENCHES);
  const machine = machineInfo();
  const startedAt = new Date();
  log(`Confab benchmarks (${scale}): ${selected.join(', ')} on ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`);
  const results: BenchResult[] = [];
  for (const name of selected) {
    const bench = BENCHES[name]!;
    const started = Date.now();
    let result: BenchResult;
    try {
      result = await bench(scale);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      result = { id: name, title: name, status: 'failed', reason: message.split('\n').slice(0, 4).join(' '), tables: [], targets: [], notes: [], seconds: (Date.now() - started) / 1000 };
    }
    results.push(result);
    log(`\n${renderResult(result)}\n`);
  }
  const file = writeReport(ROOT, renderReport(machine, results, startedAt));
  log(`Wrote ${file} (${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s in all)`);
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
