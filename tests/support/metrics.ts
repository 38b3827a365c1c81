import type { ApiTarget } from './api';

/** Scrapes `GET /metrics` (with the bearer token when given) and returns the Prometheus text. */
export async function scrapeMetrics(target: ApiTarget, token?: string): Promise<string> {
  const response = await fetch(`${target.httpUrl}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${await response.text()}`);
  return response.text();
}

/**
 * The value of one sample in Prometheus text format: `name{a="x",b="y"} 12`. Labels must match
 * exactly those given (in any order). A sample that is not there reads as 0 (counters start absent).
 */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) found[pair[1]!] = pair[2]!;
    const wanted = Object.entries(labels);
    if (wanted.length !== Object.keys(found).length || !wanted.every(([k, v]) => found[k] === v)) continue;
    return Number(match[3]);
  }
  return 0;
}
