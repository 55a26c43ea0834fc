// One line that says what went wrong, for humans: no stack, no secrets.
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const lines = err.message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // Prisma: "Invalid `this.prisma.alert.findUnique()` invocation in <file>", a code frame, then the cause.
  const prisma = lines[0]?.match(/^Invalid `(?:this\.)?(.+?)` invocation/);
  if (prisma && lines.length > 1) return `${prisma[1]}: ${lines.at(-1)}`;
  return lines[0] ?? err.name;
}
