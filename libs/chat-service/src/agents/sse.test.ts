import { SseLineTooLongError, SseParser } from './sse';

function parseAll(chunks: string[]) {
  const parser = new SseParser();
  const events = chunks.flatMap((chunk) => parser.push(chunk));
  return [...events, ...parser.end()];
}

describe('SseParser', () => {
  const stream = ': keep-alive\n\ndata: {"a":1}\n\nevent: note\ndata: line one\ndata: line two\n\ndata: [DONE]\n\n';

  it('parses data events, joins multi-line data, skips comments', () => {
    expect(parseAll([stream])).toEqual([
      { event: 'message', data: '{"a":1}' },
      { event: 'note', data: 'line one\nline two' },
      { event: 'message', data: '[DONE]' },
    ]);
  });

  it('gives the same events however the stream is split', () => {
    const whole = parseAll([stream]);
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.slice(i, i + size));
      expect(parseAll(chunks)).toEqual(whole);
    }
  });

  it('handles CRLF and CR line endings, including a CRLF split between chunks', () => {
    expect(parseAll(['data: x\r', '\n\r', '\ndata: y\r\r'])).toEqual([
      { event: 'message', data: 'x' },
      { event: 'message', data: 'y' },
    ]);
  });

  it('keeps the value verbatim apart from one leading space', () => {
    expect(parseAll(['data:no-space\n\ndata:  two spaces\n\n'])).toEqual([
      { event: 'message', data: 'no-space' },
      { event: 'message', data: ' two spaces' },
    ]);
  });

  it('dispatches an event left unterminated when the stream ends', () => {
    expect(parseAll(['data: tail'])).toEqual([{ event: 'message', data: 'tail' }]);
  });

  it('ignores blank lines without data', () => {
    expect(parseAll(['\n\n\n: comment\n\n'])).toEqual([]);
  });
});

describe('SseParser limits', () => {
  it('refuses a line that never ends instead of holding it all (a broken server streaming one endless line)', () => {
    const parser = new SseParser(1_000);
    expect(parser.push('data: ' + 'x'.repeat(500))).toEqual([]);
    expect(() => parser.push('x'.repeat(600))).toThrow(SseLineTooLongError);
  });

  it('refuses an event of many data lines that never ends', () => {
    const parser = new SseParser(1_000);
    expect(() => {
      for (let i = 0; i < 20; i += 1) parser.push(`data: ${'y'.repeat(100)}\n`);
    }).toThrow(SseLineTooLongError);
  });
});
