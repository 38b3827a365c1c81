/**
 * PostgreSQL reports a unique violation as SQLSTATE 23505, from pg and PGlite alike. drizzle wraps
 * driver errors (DrizzleQueryError), so the code may sit on any error in the `cause` chain.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Object && depth < 5; depth++) {
    const code: unknown = Reflect.get(current, 'code');
    if (code === '23505') {
      const name: unknown = Reflect.get(current, 'constraint');
      // PGlite does not always fill `constraint`; then any unique violation counts.
      return constraint === undefined || typeof name !== 'string' || name === constraint;
    }
    current = Reflect.get(current, 'cause');
  }
  return false;
}
