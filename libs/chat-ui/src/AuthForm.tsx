'use client';

import { useEffect, useId, useState, type FormEvent } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { callApi } from './api-client';
import { authErrorText, validateAuthForm, type AuthField, type AuthMode, type FieldErrors } from './auth-form-validation';
import styles from './forms.module.css';

export interface AuthFormProps {
  mode: AuthMode;
  /** Same-site path to return to afterwards (already checked by the page). */
  next: string;
}

/** The fields in the order the form shows them. */
const FIELD_ORDER: readonly AuthField[] = ['display_name', 'email', 'password'];

/**
 * The email typed on one form, handed to the other when the person switches (signing up with an
 * email that has an account, or the other way round): sessionStorage, not the URL, which would
 * keep the address in the browser's history and the server's logs. Read once, then removed.
 */
const CARRIED_EMAIL_KEY = 'confab:auth-email';

function carryEmail(email: string): void {
  try {
    if (email.trim()) sessionStorage.setItem(CARRIED_EMAIL_KEY, email.trim());
  } catch {
    // Storage off (privacy mode): the person types it again.
  }
}

function takeCarriedEmail(): string {
  try {
    const email = sessionStorage.getItem(CARRIED_EMAIL_KEY) ?? '';
    sessionStorage.removeItem(CARRIED_EMAIL_KEY);
    return email;
  } catch {
    return '';
  }
}

/** Sign in / sign up. Posts to our route handler, which sets the httpOnly session cookie. */
export function AuthForm({ mode, next }: AuthFormProps) {
  const router = useRouter();
  const id = useId();
  const [values, setValues] = useState({ email: '', password: '', display_name: '' });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<{ text: string; emailTaken: boolean } | null>(null);
  const [pending, setPending] = useState(false);
  const signup = mode === 'signup';
  const submitLabel = signup ? 'Sign up' : 'Sign in';

  // After hydration (the server has no sessionStorage); never over what the person typed meanwhile.
  useEffect(() => {
    const carried = takeCarriedEmail();
    // eslint-disable-next-line react-hooks/set-state-in-effect -- sessionStorage exists only in the browser, after hydration
    if (carried) setValues((v) => (v.email ? v : { ...v, email: carried }));
  }, []);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const errors = validateAuthForm(mode, values);
    setFieldErrors(errors);
    setFormError(null);
    const firstInvalid = FIELD_ORDER.find((name) => errors[name] !== undefined);
    if (firstInvalid !== undefined) {
      // Focus the first field to fix: a screen reader then reads its label and its error
      // (aria-describedby), where a sighted person sees the red text.
      event.currentTarget.querySelector<HTMLInputElement>(`#${CSS.escape(`${id}-${firstInvalid}`)}`)?.focus();
      return;
    }

    setPending(true);
    const body = signup
      ? { email: values.email.trim(), password: values.password, display_name: values.display_name.trim() }
      : { email: values.email.trim(), password: values.password };
    const result = await callApi(`/api/auth/${mode}`, { method: 'POST', body }, (answers) => answers.AuthAnswer);
    if (!result.ok) {
      setPending(false);
      setFormError({ text: authErrorText(mode, result.code, result.message, result.retryAfterS), emailTaken: signup && result.code === 'CONFLICT' });
      return;
    }
    // refresh() re-renders server components (the header) with the new cookie.
    router.replace(next);
    router.refresh();
  };

  /** `hint`: the rule a value must meet, shown before anyone gets it wrong (replaced by the error when they do). */
  const field = (name: AuthField, label: string, type: string, autoComplete: string, hint?: string) => {
    const inputId = `${id}-${name}`;
    const error = fieldErrors[name];
    const note = error ? { id: `${inputId}-error`, text: error, className: styles.fieldError } : hint ? { id: `${inputId}-hint`, text: hint, className: styles.fieldHint } : null;
    return (
      <div className={styles.field}>
        <label htmlFor={inputId} className={styles.label}>
          {label}
        </label>
        <input
          id={inputId}
          name={name}
          type={type}
          autoComplete={autoComplete}
          className={styles.input}
          value={values[name]}
          aria-invalid={error ? true : undefined}
          aria-describedby={note?.id}
          onChange={(event) => setValues((v) => ({ ...v, [name]: event.target.value }))}
        />
        {note && (
          <p id={note.id} className={note.className}>
            {note.text}
          </p>
        )}
      </div>
    );
  };

  const otherHref = `${signup ? '/signin' : '/signup'}${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`;

  return (
    <form className={styles.form} onSubmit={(event) => void onSubmit(event)} noValidate>
      {signup && field('display_name', 'Display name', 'text', 'nickname')}
      {field('email', 'Email', 'email', 'email')}
      {field('password', 'Password', 'password', signup ? 'new-password' : 'current-password', signup ? 'At least 8 characters.' : undefined)}
      {formError && (
        <p role="alert" className={styles.formError}>
          {formError.text}
          {formError.emailTaken && (
            <>
              {' '}
              <Link href={otherHref} onClick={() => carryEmail(values.email)}>
                Sign in instead
              </Link>
            </>
          )}
        </p>
      )}
      {/* aria-disabled, not disabled: a disabled button loses the focus, which went to the page's
          body when the answer was a refusal (a keyboard user then started again from the top). */}
      <button type="submit" className={styles.primary} aria-disabled={pending || undefined} aria-busy={pending || undefined}>
        {submitLabel}
      </button>
      <p className={styles.switch}>
        {/* Not "Sign in": the header already has a link of that name, and tests look it up by name. */}
        {signup ? 'Already have an account? ' : 'New here? '}
        <Link href={otherHref} onClick={() => carryEmail(values.email)}>
          {signup ? 'Use your existing account' : 'Create an account'}
        </Link>
      </p>
    </form>
  );
}
