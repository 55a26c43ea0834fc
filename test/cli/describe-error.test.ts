import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/cli/errors.ts';

describe('describeError', () => {
  it.each([
    ['a one-line message', new Error('connect ECONNREFUSED 127.0.0.1:6379'), 'connect ECONNREFUSED 127.0.0.1:6379'],
    ['the first line of a multi-line one', new Error('first\n    at stack line'), 'first'],
    ['a message starting with blank lines', new Error('\n\n  something broke\nmore'), 'something broke'],
    [
      "Prisma's invocation message: the call and the cause, without the code frame",
      new Error(
        '\nInvalid `this.prisma.alert.updateMany()` invocation in\n/src/alerts/alert-book.ts:61:47\n\n  60 async resolve(key: string) {\n→ 61   const { count } = await this.prisma.alert.updateMany(\nThe table `t.alerts` does not exist in the current database.',
      ),
      'prisma.alert.updateMany(): The table `t.alerts` does not exist in the current database.',
    ],
    ['an empty message: the error name', new TypeError(''), 'TypeError'],
    ['a non-error', 'plain string', 'plain string'],
  ])('describes %s', (_what, err, expected) => {
    expect(describeError(err)).toBe(expected);
  });
});
