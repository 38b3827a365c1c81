import { SignInBody, SignUpBody } from '@confab/protocol';
import { createCreationLimiter } from '../../auth/rate-limit';
import { EmailTakenError } from '../../auth/service';
import type { HttpApp, HttpDeps } from '../deps';
import { fail } from '../errors';
import { bearerToken, callerAddress, parseInput, requirePrincipal } from '../request';

/** Sign up / in / out, the caller's identity, visitor sessions and WebSocket tickets. */
export function registerAuthRoutes(app: HttpApp, { auth, config, budgets }: HttpDeps): void {
  const signUps = createCreationLimiter(budgets, 'signups', config.creation.signUps);
  const visitors = createCreationLimiter(budgets, 'visitors', config.creation.visitors);

  app.post('/v1/auth/signup', async (request, reply) => {
    const body = parseInput(SignUpBody, request.body);
    const wait = await signUps.take(callerAddress(request, config));
    if (wait !== null) throw fail.rateLimit(wait, `Too many new accounts from your network. Try again in ${wait} s.`);
    try {
      return reply.code(201).send(await auth.signUp(body));
    } catch (error) {
      if (error instanceof EmailTakenError) throw fail.conflict('An account with this email already exists. Sign in instead.');
      throw error;
    }
  });

  app.post('/v1/auth/signin', async (request) => {
    const body = parseInput(SignInBody, request.body);
    const result = await auth.signIn(body, callerAddress(request, config));
    if (result.ok) return result.session;
    // One message for both budgets (this email from this address; this address): either way the person waits.
    if (result.reason === 'rate_limited') {
      throw fail.rateLimit(result.retryAfterS, `Too many failed sign-ins. Try again in ${result.retryAfterS} s.`);
    }
    // One message for an unknown email and a wrong password: which emails have accounts stays private.
    throw fail.authFailed('Email or password is incorrect.');
  });

  // Idempotent: signing out a session that already ended is not an error.
  app.post('/v1/auth/signout', async (request, reply) => {
    const token = bearerToken(request);
    if (token === null) throw fail.authRequired();
    await auth.signOut(token);
    return reply.code(204).send();
  });

  app.get('/v1/auth/me', async (request) => auth.me(await requirePrincipal(auth, request)));

  app.post('/v1/visitors', async (request, reply) => {
    const wait = await visitors.take(callerAddress(request, config));
    if (wait !== null) throw fail.rateLimit(wait, `Too many new guest sessions from your network. Try again in ${wait} s.`);
    return reply.code(201).send(await auth.createVisitor());
  });

  app.post('/v1/tickets', async (request) => auth.issueTicket(await requirePrincipal(auth, request)));
}
