// Node start-up options for the wrapper, tried on the host: each variant of the bundle starts the
// fake k6 for `run` (the hot path: every test run in CI), alternated with the others round by
// round, against the fake k6 alone. Kept only where they pay: the report shows each one's gain
// over the current build.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildProduction, buildSnapshot, buildVariant, type BundleVariant, withCompileCache } from './bundles.ts';
import { LAZY_BUILTIN_EDITS, ZOD_MINI_EDITS } from './variants/edits.ts';
import { SLOW_FAKE_K6, type WrapperMemory, wrapperMemoryDuringLogin, writeFakeK6 } from './wrapper-cost.ts';
import { alternate, type Command, runOnce, type Series } from './measure.ts';

export interface StartupOptionsResult {
  variants: BundleVariant[];
  /** The wrapper's resident memory 0.5 s into a login, by variant name. */
  loginMemory: Record<string, WrapperMemory>;
  series: Series[];
  baselineLabel: string;
  currentLabel: string;
  errors: Array<{ name: string; error: string }>;
}


export async function buildStartupVariants(outDir: string, nodePath: string, errors: Array<{ name: string; error: string }>): Promise<BundleVariant[]> {
  const zodMini = ZOD_MINI_EDITS;
  const zodMiniLazy = { ...ZOD_MINI_EDITS, ...LAZY_BUILTIN_EDITS };
  const attempts: Array<[string, () => Promise<BundleVariant | BundleVariant[]>]> = [
    ['as built', async () => {
      const current = buildProduction(join(outDir, 'current'), nodePath);
      return [current, withCompileCache(current, join(outDir, 'cache-current'))];
    }],
    ['cjs', async () => {
      const cjs = await buildVariant({ name: 'CommonJS bundle', outDir, nodePath, format: 'cjs', change: 'scripts/build.ts: format cjs, outfile k6-persist.cjs (no ESM loader at start)' });
      return [cjs, withCompileCache(cjs, join(outDir, 'cache-cjs'))];
    }],
    ['zod/mini', async () => {
      const mini = await buildVariant({ name: 'zod/mini', outDir, nodePath, format: 'esm', edits: zodMini, change: "src/settings/env.ts, src/config/document.ts on 'zod/mini' (ZOD_MINI_EDITS in scripts/bench/variants/edits.ts)" });
      const miniCjs = await buildVariant({ name: 'zod/mini + CommonJS', outDir, nodePath, format: 'cjs', edits: zodMini, change: 'zod/mini and a CommonJS bundle' });
      const lazy = await buildVariant({
        name: 'zod/mini + CommonJS + lazy built-ins',
        outDir,
        nodePath,
        format: 'cjs',
        edits: zodMiniLazy,
        change: 'zod/mini, CommonJS, and node:crypto, node:child_process loaded on first use with process.getBuiltinModule (src/config/atomic-write.ts, src/handover/spawn.ts, src/report/status.ts)',
      });
      return [mini, miniCjs, lazy, withCompileCache(lazy, join(outDir, 'cache-lazy'))];
    }],
    ['flags', async () => [
      await buildVariant({ name: 'flag --v8-pool-size=0', outDir, nodePath, format: 'esm', nodeFlag: '--v8-pool-size=0', change: 'shebang #!/usr/libexec/k6-persist/node --v8-pool-size=0 (no V8 worker threads)' }),
      await buildVariant({ name: 'flag --jitless', outDir, nodePath, format: 'esm', nodeFlag: '--jitless', change: 'shebang #!/usr/libexec/k6-persist/node --jitless' }),
    ]],
    ['snapshot', async () => [
      await buildSnapshot({ name: 'V8 snapshot', outDir, nodePath, change: 'a start-up snapshot of the wrapper path built at image build (node --build-snapshot), /usr/bin/k6 = #!node --snapshot-blob=BLOB' }),
      await buildSnapshot({ name: 'zod/mini + lazy built-ins + V8 snapshot', outDir, nodePath, edits: zodMiniLazy, change: 'zod/mini, lazy built-ins and the start-up snapshot' }),
    ]],
  ];
  const variants: BundleVariant[] = [];
  for (const [name, make] of attempts) {
    try {
      const made = await make();
      variants.push(...(Array.isArray(made) ? made : [made]));
    } catch (error) {
      errors.push({ name, error: String(error).slice(0, 500) });
    }
  }
  return variants;
}

export interface StartupSpec {
  variants: BundleVariant[];
  nodePath: string;
  fakeK6: string;
  workDir: string;
  persistDir: string;
  env: Record<string, string>;
  rounds: number;
  errors: Array<{ name: string; error: string }>;
}

export async function measureStartupOptions(spec: StartupSpec): Promise<StartupOptionsResult> {
  mkdirSync(spec.workDir, { recursive: true });
  const args = ['run', 'script.js'];
  const baselineLabel = 'fake k6 run (alone)';
  const commands: Command[] = [
    { label: 'node -e 0', file: spec.nodePath, args: ['-e', '0'], env: spec.env },
    { label: baselineLabel, file: spec.fakeK6, args, env: spec.env, cwd: spec.workDir },
  ];
  const usable: BundleVariant[] = [];
  for (const variant of spec.variants) {
    const command: Command = {
      label: variant.name,
      file: variant.wrapper,
      args,
      env: { ...spec.env, ...variant.env, K6_PERSIST_K6_BIN: spec.fakeK6, K6_PERSIST_DIR: spec.persistDir },
      cwd: spec.workDir,
    };
    try {
      if (variant.prime) runOnce({ ...command, args: variant.prime.args, env: { ...command.env, ...variant.prime.env } });
      runOnce(command);
      // A variant must behave: it must print nothing of its own (warnings would reach users).
      const check = runOnce(command);
      if (check.stderr.trim() !== '') throw new Error(`prints on stderr: ${check.stderr.trim().slice(0, 300)}`);
      commands.push(command);
      usable.push(variant);
    } catch (error) {
      spec.errors.push({ name: variant.name, error: String(error).slice(0, 500) });
    }
  }
  const series = alternate(commands, { rounds: spec.rounds, warmup: 2 });
  const loginMemory: Record<string, WrapperMemory> = {};
  const slowFake = writeFakeK6(spec.workDir, 'slow-fake-k6', SLOW_FAKE_K6);
  for (const variant of usable) {
    const dir = join(spec.workDir, `login-${usable.indexOf(variant)}`);
    mkdirSync(dir, { recursive: true });
    try {
      loginMemory[variant.name] = await wrapperMemoryDuringLogin(variant.wrapper, slowFake, dir, { ...spec.env, ...variant.env });
    } catch (error) {
      spec.errors.push({ name: `${variant.name} (login memory)`, error: String(error).slice(0, 300) });
    }
  }
  return { variants: usable, loginMemory, series, baselineLabel, currentLabel: usable[0]?.name ?? '', errors: spec.errors };
}
