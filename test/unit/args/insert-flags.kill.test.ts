// insertFlags refuses a place outside argv with a message that says which place and how many
// arguments there were: the wrapper's own bug report when a login's flagsAt does not fit.
import { expect, it } from 'vitest';
import { insertFlags } from '../../../src/args/analyse.ts';

it.each([
  [5, 2],
  [-1, 0],
  [1.5, 3],
])('a place %s in %s arguments is refused, naming both', (at, count) => {
  const argv = Array.from({ length: count }, (_, i) => `arg${i}`);
  expect(() => insertFlags(argv, ['--token=x'], at)).toThrow(new RangeError(`cannot insert flags at ${at} into ${count} arguments`));
});
