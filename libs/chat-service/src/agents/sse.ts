/** One server-sent event: its `event:` name (default "message") and its joined `data:` lines. */
export interface SseEvent {
  event: string;
  data: string;
}

/** A model server's chunk is a few hundred bytes; a megabyte without a line break is a broken server. */
const DEFAULT_MAX_LINE_CHARS = 1_000_000;

export class SseLineTooLongError extends Error {
  constructor(readonly maxChars: number) {
    super(`an event-stream line or event longer than ${maxChars} characters`);
    this.name = 'SseLineTooLongError';
  }
}

/**
 * Incremental parser for `text/event-stream` (the subset model servers use: `event:` and
 * `data:` fields, `:` comment lines, LF / CRLF / CR line endings). Network chunks may split
 * anywhere — inside a line, between CR and LF — so unfinished text is kept until the next push.
 * Feed it decoded text (a streaming TextDecoder keeps multi-byte characters intact).
 */
export class SseParser {
  private buffer = '';
  /** Where the buffer's first line break may be: the text before it was searched already. */
  private searchedUpTo = 0;
  private dataLines: string[] = [];
  private dataChars = 0;
  private eventName = '';

  /** `maxLineChars`: a longer line (or event) throws `SseLineTooLongError`, so a server that never ends a line cannot fill the memory. */
  constructor(private readonly maxLineChars = DEFAULT_MAX_LINE_CHARS) {}

  push(text: string): SseEvent[] {
    this.buffer += text;
    const events: SseEvent[] = [];
    for (;;) {
      const lineBreak = /\r\n|\r|\n/g;
      lineBreak.lastIndex = this.searchedUpTo;
      const match = lineBreak.exec(this.buffer);
      if (!match) {
        this.searchedUpTo = this.buffer.length;
        if (this.buffer.length > this.maxLineChars) throw new SseLineTooLongError(this.maxLineChars);
        break;
      }
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) {
        this.searchedUpTo = match.index;
        break;
      }
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.searchedUpTo = 0;
      const event = this.processLine(line);
      if (event) events.push(event);
    }
    return events;
  }

  /** The stream ended: a trailing line without a newline still counts, an unterminated event is dispatched. */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.buffer.length > 0) {
      const rest = this.buffer.replace(/\r$/, '');
      this.buffer = '';
      this.searchedUpTo = 0;
      const event = this.processLine(rest);
      if (event) events.push(event);
    }
    const last = this.dispatch();
    if (last) events.push(last);
    return events;
  }

  private processLine(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.dataLines.push(value);
      this.dataChars += value.length;
      if (this.dataChars > this.maxLineChars) throw new SseLineTooLongError(this.maxLineChars);
    }
    else if (field === 'event') this.eventName = value;
    // `id` and `retry` only matter to reconnecting EventSource clients; ignored here.
    return null;
  }

  private dispatch(): SseEvent | null {
    if (this.dataLines.length === 0) {
      this.eventName = '';
      return null;
    }
    const event = { event: this.eventName || 'message', data: this.dataLines.join('\n') };
    this.dataLines = [];
    this.dataChars = 0;
    this.eventName = '';
    return event;
  }
}
