import { parseJsonLine, stripAnsi } from './readiness';

/** pino's numeric levels. */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Fields that are noise in a terminal (they are still in the JSON when logs go to a file). */
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'instance', 'v', 'name']);

export interface FormatOptions {
  /** Colour the prefix and level (when the terminal supports it). */
  color: boolean;
}

const COLORS: Record<string, string> = { chat: '36', web: '35', voice: '33', build: '34', confab: '32' };

function paint(color: boolean, code: string, text: string): string {
  return color ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export function prefix(name: string, color: boolean): string {
  return paint(color, COLORS[name] ?? '37', `[${name}]`.padEnd(8));
}

function renderValue(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}

/**
 * One line of a child's output, made readable: pino JSON becomes `LEVEL message key=value …`
 * (errors keep their stack on the following lines); any other text is kept as it is.
 */
export function formatLine(name: string, line: string, options: FormatOptions): string {
  const head = prefix(name, options.color);
  const entry = parseJsonLine(line);
  if (entry === null) {
    const text = options.color ? line : stripAnsi(line);
    return `${head} ${text}`;
  }
  const levelNumber = typeof entry.level === 'number' ? entry.level : 30;
  const level = LEVELS[levelNumber] ?? String(entry.level);
  const levelColor = levelNumber >= 50 ? '31' : levelNumber >= 40 ? '33' : '2';
  const msg = typeof entry.msg === 'string' ? entry.msg : '';
  const extras: string[] = [];
  let stack = '';
  for (const [key, value] of Object.entries(entry)) {
    if (HIDDEN.has(key)) continue;
    if ((key === 'err' || key === 'error') && typeof value === 'object' && value !== null) {
      // Errors: the stack for errors and worse, only the message for warnings (retries are noisy).
      const err = value as { message?: unknown; stack?: unknown };
      if (levelNumber >= 50 && typeof err.stack === 'string') stack = err.stack;
      else if (typeof err.message === 'string') extras.push(`${key}=${renderValue(err.message)}`);
      else extras.push(`${key}=${renderValue(value)}`);
      continue;
    }
    extras.push(`${key}=${renderValue(value)}`);
  }
  const body = [paint(options.color, levelColor, level.padEnd(5)), msg, ...extras].filter(Boolean).join(' ');
  const stackLines = stack ? stack.split('\n').map((l) => `\n${head}   ${l}`).join('') : '';
  return `${head} ${body}${stackLines}`;
}
