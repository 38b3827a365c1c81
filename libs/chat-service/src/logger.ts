import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** An error as logged: pino's serialized form, and whatever own fields the error had. */
type LoggedError = { message: string; stack?: string; [field: string]: unknown };

/** "Failed query: …\nparams: <values>" up to the stack's first frame: how Drizzle words a failed query. */
const PARAMS_IN_TEXT = /\nparams: [\s\S]*?(?=\n\s+at |$)/;

/**
 * A failed query's parameters never reach the logs: Drizzle's DrizzleQueryError keeps them in
 * `params` and writes them into its message and stack, so a failed sign-up logged the email and the
 * password hash. Also when such an error is another's `cause`.
 */
function withoutQueryParameters(error: LoggedError): LoggedError {
  const scrubbed: LoggedError = { ...error, message: error.message.replace(PARAMS_IN_TEXT, '\nparams: [not logged]') };
  if (typeof error.stack === 'string') scrubbed.stack = error.stack.replace(PARAMS_IN_TEXT, '\nparams: [not logged]');
  if ('params' in scrubbed) scrubbed.params = '[not logged]';
  const cause = error.cause;
  if (cause && typeof cause === 'object' && 'message' in cause && typeof cause.message === 'string') {
    scrubbed.cause = withoutQueryParameters({ ...cause, message: cause.message });
  }
  return scrubbed;
}

const serializeError = (error: Error): LoggedError => withoutQueryParameters(pino.stdSerializers.err(error));

/** Structured JSON logs on stdout; tests and the launcher read them line by line. */
export function createLogger(level: string, instanceId: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'chat-service', instance: instanceId }, serializers: { err: serializeError } };
  return destination ? pino(options, destination) : pino(options);
}
