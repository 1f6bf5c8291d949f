// The cases that run as uid 65534 (when the suite runs as root) must not depend on where the
// checkout sits: a clone inside a 0700 directory (a root home, `mktemp -d`) is out of that
// user's reach. What they run and read is staged outside the checkout (stage.ts); this checks
// that, as that user, for everything the stage holds and everything a wrapper run starts from.
import { execa } from 'execa';
import { chmodSync, chownSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './stage.ts';
import { UNPRIVILEGED, baseEnv, bundle, cliBundle, fakeK6, runWrapper, scratch, stageRoot, stagedNode, stagedPaths } from './support.ts';

const isRoot = process.getuid?.() === 0;

const insideCheckout = (path: string) => !relative(repoRoot, path).startsWith('..');

describe('what the uid-65534 cases run and read', () => {
  it('lies outside the checkout: the bundles start the staged Node, the k6 doubles find it on PATH', async () => {
    const paths = await stagedPaths();
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter(insideCheckout)).toEqual([]);
    expect(insideCheckout(stageRoot)).toBe(false);
    for (const file of [await bundle(), await cliBundle()]) expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(`#!${stagedNode}`);
    const env = baseEnv(scratch(), join(scratch(), 'report.json'));
    expect(env['PATH']!.split(':')[0]).toBe(dirname(stagedNode));
    expect(readFileSync(fakeK6, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(env['K6_PERSIST_K6_BIN']).toBe(fakeK6);
  });

  // Root only: another uid is what makes reachability a question (the suite runs as root here and in CI).
  it.runIf(isRoot)('uid 65534 can read and run all of it, and a wrapper run as that user starts k6', async () => {
    const paths = await stagedPaths();
    // Read access to each file, and the right to run those that are run directly.
    const check = `const fs = require('node:fs');
      for (const p of JSON.parse(process.argv[1])) fs.accessSync(p, fs.constants.R_OK | (/count-kill/.test(p) ? 0 : fs.constants.X_OK));
      console.log('reachable');`;
    const reached = await execa(stagedNode, ['-e', check, JSON.stringify(paths)], { ...UNPRIVILEGED, reject: false });
    expect(reached.stderr).toBe('');
    expect(reached.stdout).toBe('reachable');

    const dir = scratch('k6p-unpriv-');
    chmodSync(dir, 0o755);
    const env = baseEnv(join(dir, 'home'), join(dir, 'report.json'));
    chownSync(dir, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
    chownSync(env['TMPDIR']!, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
    const result = await runWrapper(['version'], { ...env, K6_PERSIST_HANDOVER: 'spawn' }, { user: UNPRIVILEGED });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).argv).toEqual(['version']);
  });
});
