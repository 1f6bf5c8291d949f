// shellcheck over the repository's shell scripts (scripts/*.sh, .github/scripts/*.sh), at its
// default severity: a finding that is wanted is silenced in the script, next to its reason.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureShellcheck, shellcheckFiles, shellScripts } from './support.ts';

const scratch = mkdtempSync(join(tmpdir(), 'k6p-lint-'));

beforeAll(() => {
  ensureShellcheck();
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('shellcheck', () => {
  it('reports a broken script (the check can fail)', () => {
    const file = join(scratch, 'broken.sh');
    writeFileSync(file, '#!/usr/bin/env bash\nrm -rf $1/\n');
    expect(shellcheckFiles([file])).toContain('SC2086');
  });

  const scripts = shellScripts();

  it('finds the scripts of scripts/ and .github/scripts/', () => {
    expect(scripts).toEqual(expect.arrayContaining(['scripts/build-images.sh', 'scripts/test.sh', '.github/scripts/release-plan.sh']));
  });

  it.each(scripts)('%s is clean', (script) => {
    expect(shellcheckFiles([script]).split('\n').filter(Boolean)).toEqual([]);
  });
});
