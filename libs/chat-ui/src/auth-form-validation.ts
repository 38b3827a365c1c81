import { DisplayName, Email, Password } from '@confab/protocol';

export type AuthMode = 'signin' | 'signup';
export type AuthField = 'email' | 'password' | 'display_name';
export type FieldErrors = Partial<Record<AuthField, string>>;

export interface AuthValues {
  email: string;
  password: string;
  display_name: string;
}

/** Checks the form with the protocol's own schemas, in words, before anything is sent. */
export function validateAuthForm(mode: AuthMode, values: AuthValues): FieldErrors {
  const errors: FieldErrors = {};
  if (!Email.safeParse(values.email.trim()).success) errors.email = 'Enter a valid email address, like ada@example.com.';
  if (mode === 'signup') {
    const password = Password.safeParse(values.password);
    if (!password.success) errors.password = values.password.length < 8 ? 'Password must be at least 8 characters.' : 'Password is too long.';
    if (!DisplayName.safeParse(values.display_name).success) errors.display_name = 'Enter a display name (up to 60 characters).';
  } else if (values.password.length === 0) {
    errors.password = 'Enter your password.';
  }
  return errors;
}

/** The chat service's refusals, in the words of this form. (An email already taken gets a "Sign in instead" link after it.) */
export function authErrorText(mode: AuthMode, code: string, message: string, retryAfterS?: number): string {
  if (code === 'CONFLICT') return 'An account with this email already exists.';
  if (code === 'AUTH_FAILED' || (mode === 'signin' && code === 'NOT_FOUND')) return "That email and password don't match an account.";
  if (code === 'RATE_LIMIT') {
    const what = mode === 'signup' ? 'Too many new accounts from your network.' : 'Too many sign-in attempts.';
    return `${what} Try again ${retryAfterS === undefined ? 'later' : `in ${waitText(retryAfterS)}`}.`;
  }
  return message;
}

/** A wait in words a person plans with: "40 seconds", "15 minutes", "an hour". */
export function waitText(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} second${Math.ceil(seconds) > 1 ? 's' : ''}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes > 1 ? 's' : ''}`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? 'an hour' : `${hours} hours`;
}
