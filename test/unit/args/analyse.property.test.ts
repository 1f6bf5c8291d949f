import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseArgs, replaceConfigPath, type ArgsAnalysis } from '../../../src/args/analyse.ts';

// ---- arbitraries -----------------------------------------------------------------------

/** Tokens that exercise every branch, mixed with arbitrary text. */
const trickyToken = fc.oneof(
  fc.constantFrom(
    '-c', '--config', '-qc', '-c=', '--config=', '-cq', '-q', '--quiet=false', '-h', '--help', '--', '-', '',
    '-t', '--token', '-s', '-r', '--stack', '--reset=false', '-u', '--no-setup', '=', '---', '--=',
    'run', 'cloud', 'login', 'archive', 'help', 'constructor', 'script.js',
  ),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ maxLength: 6 }).map((s) => `-${s}`),
  fc.string({ maxLength: 6 }).map((s) => `--${s}`),
);
const argvArb = fc.array(trickyToken, { maxLength: 14 });

/** Any path value; `-cP`/`-c=P` spellings need more (see configItem). */
const anyValue = fc.string({ unit: 'binary', maxLength: 10 });
const nonEmptyValue = fc.string({ unit: 'binary', minLength: 1, maxLength: 10 });

/** A group of tokens and the state k6 ends up in after it. */
interface Item {
  tokens: string[];
  config?: string;
  quiet?: boolean;
  token?: string;
}

const configItem: fc.Arbitrary<Item> = fc.oneof(
  anyValue.map((p) => ({ tokens: ['-c', p], config: p })),
  anyValue.map((p) => ({ tokens: ['--config', p], config: p })),
  anyValue.map((p) => ({ tokens: [`--config=${p}`], config: p })),
  nonEmptyValue.map((p) => ({ tokens: [`-c=${p}`], config: p })),
  nonEmptyValue.filter((p) => !p.startsWith('=')).map((p) => ({ tokens: [`-c${p}`], config: p })),
  anyValue.map((p) => ({ tokens: ['-qc', p], config: p, quiet: true })),
  nonEmptyValue.filter((p) => !p.startsWith('=')).map((p) => ({ tokens: [`-qc${p}`], config: p, quiet: true })),
);

const quietItem: fc.Arbitrary<Item> = fc.constantFrom(
  { tokens: ['-q'], quiet: true },
  { tokens: ['--quiet'], quiet: true },
  { tokens: ['--quiet=false'], quiet: false },
  { tokens: ['-q=true'], quiet: true },
  { tokens: ['-q=0'], quiet: false },
);

/** Root persistent flags in the spellings cobra's command walk also understands. */
const prefixItem: fc.Arbitrary<Item> = fc.oneof(
  anyValue.map((p) => ({ tokens: ['-c', p], config: p })),
  anyValue.map((p) => ({ tokens: ['--config', p], config: p })),
  anyValue.map((p) => ({ tokens: [`--config=${p}`], config: p })),
  nonEmptyValue.filter((p) => !p.startsWith('=')).map((p) => ({ tokens: [`-c${p}`], config: p })),
  fc.constantFrom<Item>({ tokens: ['-q'], quiet: true }, { tokens: ['--quiet=false'], quiet: false }, { tokens: ['-v'] }),
  fc.constant<Item>({ tokens: ['--log-output', 'stdout'] }),
);

const runItem: fc.Arbitrary<Item> = fc.oneof(
  configItem,
  quietItem,
  fc.constantFrom<Item>(
    { tokens: ['-u', '5'] },
    { tokens: ['--duration=10s'] },
    { tokens: ['-e', '-c'] },
    { tokens: ['-s', '10s:5'] },
    { tokens: ['--http-debug'] },
    { tokens: ['--no-setup'] },
    { tokens: ['-o', 'json=out.json'] },
    { tokens: ['script.js'] },
  ),
);

const loginItem: fc.Arbitrary<Item> = fc.oneof(
  configItem,
  quietItem,
  anyValue.map((t) => ({ tokens: ['-t', t], token: t })),
  anyValue.map((t) => ({ tokens: ['--token', t], token: t })),
  anyValue.map((t) => ({ tokens: [`--token=${t}`], token: t })),
  nonEmptyValue.filter((t) => !t.startsWith('=')).map((t) => ({ tokens: [`-t${t}`], token: t })),
  fc.constantFrom<Item>({ tokens: ['-s'] }, { tokens: ['-r'] }, { tokens: ['--show=false'] }),
);

interface Scenario {
  argv: string[];
  command: string[];
  expected: { config?: string; quiet: boolean; token?: string };
}

function scenario(command: string[], suffixItem: fc.Arbitrary<Item>): fc.Arbitrary<Scenario> {
  return fc
    .tuple(fc.array(prefixItem, { maxLength: 3 }), fc.array(suffixItem, { maxLength: 6 }))
    .map(([prefix, suffix]) => {
      const items = [...prefix, ...suffix];
      const lastConfig = items.filter((item) => item.config !== undefined).at(-1)?.config;
      const lastToken = items.filter((item) => item.token !== undefined).at(-1)?.token;
      return {
        argv: [...prefix.flatMap((i) => i.tokens), ...command, ...suffix.flatMap((i) => i.tokens)],
        command,
        expected: {
          ...(lastConfig !== undefined ? { config: lastConfig } : {}),
          quiet: items.filter((item) => item.quiet !== undefined).at(-1)?.quiet ?? false,
          ...(lastToken !== undefined ? { token: lastToken } : {}),
        },
      };
    });
}

const scenarios = fc.oneof(
  scenario(['run'], runItem),
  scenario(['cloud', 'run'], runItem),
  scenario(['archive'], runItem),
  scenario(['cloud', 'login'], loginItem),
  scenario(['login', 'cloud'], loginItem),
);

/** Everything but the config flag's position, to compare two analyses. */
function withoutConfig(analysis: ArgsAnalysis): Omit<ArgsAnalysis, 'config'> {
  const { config: _config, ...rest } = analysis;
  return rest;
}

// ---- properties ----------------------------------------------------------------------

describe('analyseArgs, property-based', () => {
  it('never throws, on any argv', () => {
    fc.assert(fc.property(argvArb, (argv) => {
      analyseArgs(argv);
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary' })), (argv) => {
      analyseArgs(argv);
    }));
  });

  it('points at the token it read the path from', () => {
    fc.assert(
      fc.property(argvArb, (argv) => {
        const config = analyseArgs(argv).config;
        if (!config) return;
        expect(argv[config.valueIndex]!.slice(config.valueOffset)).toBe(config.path);
        expect(argv[config.flagIndex]!.startsWith('-')).toBe(true);
        if (config.form === 'separate') {
          expect(config.valueIndex).toBeGreaterThan(config.flagIndex);
          expect(config.valueOffset).toBe(0);
        } else {
          expect(config.valueIndex).toBe(config.flagIndex);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('finds the command, the last config, quiet and the last token, whatever the spelling and order', () => {
    fc.assert(
      fc.property(scenarios, ({ argv, command, expected }) => {
        const analysis = analyseArgs(argv);
        expect(analysis.command).toEqual(command);
        expect(analysis.config?.path).toBe(expected.config);
        expect(analysis.quiet).toBe(expected.quiet);
        expect(analysis.login?.token).toBe(expected.token);
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips replaceConfigPath: only the path changes', () => {
    fc.assert(
      fc.property(scenarios, nonEmptyValue, ({ argv }, newPath) => {
        const before = analyseArgs(argv);
        fc.pre(before.config !== undefined);
        const config = before.config!;
        const rewritten = replaceConfigPath(argv, config, newPath);
        const after = analyseArgs(rewritten);
        expect(after.config?.path).toBe(newPath);
        expect(after.config?.flagIndex).toBe(config.flagIndex);
        expect(after.config?.valueIndex).toBe(config.valueIndex);
        expect(withoutConfig(after)).toEqual(withoutConfig(before));
        expect(rewritten.filter((_, i) => i !== config.valueIndex)).toEqual(argv.filter((_, i) => i !== config.valueIndex));
      }),
      { numRuns: 1000 },
    );
  });

  it('never lets an unknown flag swallow the token after it', () => {
    fc.assert(
      fc.property(scenarios, fc.stringMatching(/^[a-z][a-z-]{0,8}$/), ({ argv }, name) => {
        const unknown = `--zz-${name}`;
        const analysis = analyseArgs([...argv, unknown, '-c', '/after-unknown.json']);
        expect(analysis.config?.path).toBe('/after-unknown.json');
        expect(analysis.unknownFlags).toContain(unknown);
      }),
    );
  });

  it('ignores whatever follows `--`', () => {
    fc.assert(
      fc.property(scenarios, argvArb, ({ argv }, rest) => {
        fc.pre(analyseArgs(argv).flagMissingValue === undefined);
        expect(analyseArgs([...argv, '--', ...rest])).toEqual(analyseArgs(argv));
      }),
    );
  });
});
