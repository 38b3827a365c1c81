/**
 * A rough, deterministic token estimate: one token per word-ish piece, with its leading
 * whitespace. Good enough for demo usage numbers and for streaming "word by word".
 */
export function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

export function countTokens(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}
