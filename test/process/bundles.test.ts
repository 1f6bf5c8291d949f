// What the build ships: two self-contained files. Every k6 start loads the wrapper bundle, so
// what it carries is start-up time (BENCHMARKS.md): the status command's yargs stays out of it.
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { describe, expect, it } from 'vitest';
import { bundle, cliBundle } from './support.ts';

/** Module names the bundle still loads at run time (everything else is inside it). */
function requires(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...new Set([...text.matchAll(/require\("([^"]+)"\)|require\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]!))].sort();
}

describe('the bundles', () => {
  it.each([
    ['the wrapper', bundle],
    ['the k6-persist command', cliBundle],
  ])('%s is one file under 1 MB that loads only Node built-ins', async (_name, which) => {
    const file = await which();
    expect(readFileSync(file).length).toBeLessThan(1_000_000);
    const loaded = requires(file);
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter((name) => !isBuiltin(name))).toEqual([]);
  });

  it('the wrapper carries none of the status command or its argument parser', async () => {
    const wrapper = readFileSync(await bundle(), 'utf8');
    const cli = readFileSync(await cliBundle(), 'utf8');
    expect(cli).toMatch(/yargs/);
    expect(wrapper).not.toMatch(/yargs/);
    expect(wrapper.length).toBeLessThan(cli.length / 2);
  });
});
