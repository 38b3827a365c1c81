import { notRun, type BenchResult } from './lib/report';

export async function weightBench(): Promise<BenchResult> {
  return notRun('weight', '4. Page weight', 'not written yet');
}
