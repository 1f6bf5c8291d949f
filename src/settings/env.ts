// The wrapper's own settings. They are environment variables named K6_PERSIST_* only, so k6's
// argument space stays untouched and any flag k6 gains later passes through.
import { accessSync, constants } from 'node:fs';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { DEFAULT_K6_BIN, DEFAULT_MOUNTINFO } from './defaults.ts';

// zod/mini has no messages of its own: the English ones, as full zod configures them.
z.config(en());

/** Spelled-out values a flag setting also takes, besides 1 and 0. */
const ON = ['true', 'yes', 'on'];
const OFF = ['false', 'no', 'off'];

const flag = z.pipe(
  z.string().check(z.trim(), z.toLowerCase()),
  z.transform((value: string, context) => {
    if (value === '' || value === '0' || OFF.includes(value)) return false;
    if (value === '1' || ON.includes(value)) return true;
    context.issues.push({ code: 'custom', message: `use 1 or 0 (also ${ON.join('/')} or ${OFF.join('/')})`, input: value });
    return z.NEVER;
  }),
);

const absolutePath = z.string().check(z.refine((value: string) => value.startsWith('/'), 'must be an absolute path'));


/** Points of a login save where the crash-safety tests can hold the wrapper to kill it. */
export const PAUSE_POINTS = ['locked', 'write', 'sync', 'rename', 'in-place', 'verify'] as const;
export type PausePoint = (typeof PAUSE_POINTS)[number];

const settingsSchema = z.object({
  K6_PERSIST_K6_BIN: z._default(absolutePath, DEFAULT_K6_BIN),
  K6_PERSIST_DIR: z.optional(absolutePath),
  K6_PERSIST_QUIET: z._default(flag, false),
  K6_PERSIST_DEBUG: z._default(flag, false),
  K6_PERSIST_HANDOVER: z._default(z.enum(['auto', 'exec', 'spawn']), 'auto'),
  K6_PERSIST_MOUNTINFO: z._default(absolutePath, DEFAULT_MOUNTINFO),
  K6_PERSIST_PAUSE_AT: z.optional(z.enum(PAUSE_POINTS)),
});

export interface Settings {
  k6Binary: string;
  persistDir: string | undefined;
  quiet: boolean;
  debug: boolean;
  handover: 'auto' | 'exec' | 'spawn';
  mountinfoPath: string;
  pauseAt: PausePoint | undefined;
}

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; problems: string[] };

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * A mount table named on purpose must be readable: read as empty, it would silently ignore the
 * real volume. The default one is not checked: without /proc (not Linux), nothing is mounted.
 */
function unreadableMountTable(path: string): string | undefined {
  if (path === DEFAULT_MOUNTINFO) return undefined;
  try {
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'EACCES'})`;
  }
}

export function readSettings(env: NodeJS.ProcessEnv): SettingsResult {
  const parsed = settingsSchema.safeParse({
    K6_PERSIST_K6_BIN: blankToUndefined(env['K6_PERSIST_K6_BIN']),
    K6_PERSIST_DIR: blankToUndefined(env['K6_PERSIST_DIR']),
    K6_PERSIST_QUIET: blankToUndefined(env['K6_PERSIST_QUIET']),
    K6_PERSIST_DEBUG: blankToUndefined(env['K6_PERSIST_DEBUG']),
    K6_PERSIST_HANDOVER: blankToUndefined(env['K6_PERSIST_HANDOVER']),
    K6_PERSIST_MOUNTINFO: blankToUndefined(env['K6_PERSIST_MOUNTINFO']),
    K6_PERSIST_PAUSE_AT: blankToUndefined(env['K6_PERSIST_PAUSE_AT']),
  });
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}=${JSON.stringify(env[String(issue.path[0])] ?? '')}: ${issue.message}`),
    };
  }
  const value = parsed.data;
  const mountinfoProblem = unreadableMountTable(value.K6_PERSIST_MOUNTINFO);
  if (mountinfoProblem) return { ok: false, problems: [`K6_PERSIST_MOUNTINFO=${JSON.stringify(value.K6_PERSIST_MOUNTINFO)}: ${mountinfoProblem}`] };
  return {
    ok: true,
    settings: {
      k6Binary: value.K6_PERSIST_K6_BIN,
      persistDir: value.K6_PERSIST_DIR,
      quiet: value.K6_PERSIST_QUIET,
      debug: value.K6_PERSIST_DEBUG,
      handover: value.K6_PERSIST_HANDOVER,
      mountinfoPath: value.K6_PERSIST_MOUNTINFO,
      pauseAt: value.K6_PERSIST_PAUSE_AT,
    },
  };
}
