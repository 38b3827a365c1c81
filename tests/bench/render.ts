import { notRun, type BenchResult } from './lib/report';

export async function renderBench(): Promise<BenchResult> {
  return notRun('render', '3. Streaming render in Chromium', 'not written yet');
}
