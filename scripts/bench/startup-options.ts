// Node start-up options for the wrapper, tried on the host: each variant of the bundle starts the
// fake k6 for `run` (the hot path: every test run in CI), alternated with the others round by
// round, against the fake k6 alone. Kept only where they pay: the report shows each one's gain
// over the current build.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildProduction, buildSnapshot, buildWithFlag, type BundleVariant, withCompileCache } from './bundles.ts';
import { OPTION_CHANGES, shebangFlag, type StartupOption } from './variants/options.ts';
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

/** The current build first, then each option alone on top of it. */
const OPTIONS: Array<StartupOption | undefined> = [undefined, 'compile cache', 'flag --v8-pool-size=0', 'flag --jitless', 'V8 snapshot'];

export async function buildStartupVariants(outDir: string, nodePath: string, errors: Array<{ name: string; error: string }>): Promise<BundleVariant[]> {
  const variants: BundleVariant[] = [];
  for (const [index, option] of OPTIONS.entries()) {
    const name = option ?? 'as built';
    const dir = join(outDir, `v${index}`);
    const change = option ? `${option}: ${OPTION_CHANGES[option]}` : 'none: the current src/ and scripts/build.ts';
    const flag = option && shebangFlag(option);
    try {
      let variant: BundleVariant;
      if (option === 'V8 snapshot') variant = await buildSnapshot({ name, outDir: dir, nodePath, change });
      else if (flag) variant = buildWithFlag({ name, outDir: dir, nodePath, flag, change });
      else variant = { ...buildProduction(dir, nodePath), name, change };
      variants.push(option === 'compile cache' ? withCompileCache(variant, join(dir, 'compile-cache')) : variant);
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
