import { describe, expect, it } from 'vitest';
import { maskToken } from '../../../src/config/mask.ts';

describe('maskToken', () => {
  it('shows the first and last four characters of a token of 12 or more', () => {
    expect(maskToken('abcdefghijkl')).toBe('abcd****ijkl');
    expect(maskToken('0123456789abcdef0123')).toBe('0123************0123');
  });

  it('hides a shorter token completely', () => {
    expect(maskToken('abcdefghijk')).toBe('***********');
    expect(maskToken('')).toBe('');
  });

  it('never contains the whole token', () => {
    for (let length = 1; length < 64; length += 1) {
      const token = 'x'.repeat(length - 1) + 'Z';
      expect(maskToken(token)).not.toBe(token);
    }
  });
});
