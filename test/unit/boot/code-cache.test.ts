// The launcher's pure parts: which cache file fits which bundle, and the source V8 compiles.
// (test/process/launcher.test.ts runs the built launcher; test/image/layout.test.ts the image's.)
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { describeCacheUse } from '../../../src/boot/cache-use.ts';
import { asFunctionSource, cachedDataFor, cacheFile } from '../../../src/boot/code-cache.ts';

const bundle = Buffer.from('#!/usr/libexec/k6-persist/node\nmodule.exports = 41 + 1;\n');
const data = Buffer.from([1, 2, 3, 4, 5]);

describe('cachedDataFor', () => {
  it("gives V8's data of a file made from exactly this bundle", () => {
    const found = cachedDataFor(cacheFile(bundle, data), bundle);
    expect(found.use).toBe('used');
    expect(found.data?.equals(data)).toBe(true);
  });

  it('says missing when there is no file', () => {
    expect(cachedDataFor(undefined, bundle)).toEqual({ use: 'missing' });
  });

  it.each([
    ['another bundle of the same length', cacheFile(Buffer.from(bundle.toString().replace('41', '40')), data)],
    ['a longer bundle', cacheFile(Buffer.concat([bundle, Buffer.from(' ')]), data)],
    ['a shorter bundle', cacheFile(bundle.subarray(1), data)],
    ['a file cut inside the bundle', cacheFile(bundle, data).subarray(0, 20)],
    ['a file that ends where the data would start', cacheFile(bundle, Buffer.alloc(0))],
    ['an empty file', Buffer.alloc(0)],
    ['a length that lies', (() => { const f = cacheFile(bundle, data); f.writeUInt32LE(bundle.length - 1, 0); return f; })()],
  ])('says stale for %s, and gives no data', (_what, file) => {
    expect(cachedDataFor(file, bundle)).toEqual({ use: 'stale' });
  });
});

describe('asFunctionSource', () => {
  it('turns the shebang into a comment of the same length and wraps the bundle as CommonJS does', () => {
    const text = bundle.toString();
    const source = asFunctionSource(text);
    expect(source.startsWith('(function (exports, require, module, __filename, __dirname) {///usr/libexec')).toBe(true);
    expect(source.length - text.length).toBe(asFunctionSource('').length);
    const module = { exports: 0 };
    (new Script(source).runInThisContext() as (...args: unknown[]) => void)({}, undefined, module, 'f', 'd');
    expect(module.exports).toBe(42);
  });

  it('leaves a bundle without a shebang as it is', () => {
    expect(asFunctionSource('a();')).toBe('(function (exports, require, module, __filename, __dirname) {a();\n})');
  });

  it('ends the function on a line of its own, so a final line comment cannot swallow it', () => {
    const module = { exports: 0 };
    (new Script(asFunctionSource('module.exports = 7; // last')).runInThisContext() as (...args: unknown[]) => void)({}, undefined, module, 'f', 'd');
    expect(module.exports).toBe(7);
  });
});

describe('describeCacheUse', () => {
  it.each([
    ['used', 'code cache: used'],
    ['rejected', 'code cache: rejected by V8 (another Node build or other V8 flags), the bundle was compiled now'],
    ['stale', 'code cache: made for another bundle, the bundle was compiled now'],
    ['missing', 'code cache: absent, the bundle was compiled now'],
  ] as const)('%s', (use, words) => {
    expect(describeCacheUse(use)).toBe(words);
  });
});
