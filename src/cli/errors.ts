// One line that says what went wrong, for humans: no stack, no secrets.
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}
