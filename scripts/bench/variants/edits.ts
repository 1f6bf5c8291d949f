// The proposed source changes the benchmark measures, as exact text edits of the project's files
// (a copy is edited, never the files themselves). Each edit fails loudly when the text it expects
// is gone, so the benchmark never measures something other than what it reports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Edit = (text: string) => string;

/** An edit that leaves a file alone when its change is already there (src/ may have adopted it). */
const unless = (alreadyApplied: (text: string) => boolean, edit: Edit): Edit => (text) => (alreadyApplied(text) ? text : edit(text));
const usesZodMini = (t: string) => t.includes("from 'zod/mini'");

export function replaceOnce(text: string, from: string, to: string, where: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`${where}: expected exactly one ${JSON.stringify(from.slice(0, 100))}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/**
 * zod/mini instead of zod in the two src/ files that use zod at start: the same schemas written as
 * functions (zod/mini has no methods), and zod's English messages configured as full zod does.
 * zod/mini is tree-shaken to ~15 kB; full zod puts ~430 kB in the bundle and builds its whole
 * class tree at start (~30 ms of CPU here).
 */
export const ZOD_MINI_EDITS: Record<string, Edit> = {
  'settings/env.ts': unless(usesZodMini, (t) => {
    const where = 'src/settings/env.ts';
    let s = replaceOnce(
      t,
      "import { z } from 'zod';\n",
      "import * as z from 'zod/mini';\nimport en from 'zod/v4/locales/en.js';\n\n// zod/mini has no messages of its own: the English ones, as full zod configures them.\nz.config(en());\n",
      where,
    );
    s = replaceOnce(
      s,
      `const flag = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value, context) => {
    if (['', '0', 'false', 'no', 'off'].includes(value)) return false;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    context.addIssue({ code: 'custom', message: 'use 1 or 0' });
    return z.NEVER;
  });`,
      `const flag = z.pipe(
  z.string().check(z.trim(), z.toLowerCase()),
  z.transform((value: string, context) => {
    if (['', '0', 'false', 'no', 'off'].includes(value)) return false;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    context.issues.push({ code: 'custom', message: 'use 1 or 0', input: value });
    return z.NEVER;
  }),
);`,
      where,
    );
    s = replaceOnce(
      s,
      "const absolutePath = z.string().refine((value) => value.startsWith('/'), 'must be an absolute path');",
      "const absolutePath = z.string().check(z.refine((value: string) => value.startsWith('/'), 'must be an absolute path'));",
      where,
    );
    const fields: Array<[string, string]> = [
      ['absolutePath.default(DEFAULT_K6_BIN)', 'z._default(absolutePath, DEFAULT_K6_BIN)'],
      ['absolutePath.optional()', 'z.optional(absolutePath)'],
      ["absolutePath.default('/proc/self/mountinfo')", "z._default(absolutePath, '/proc/self/mountinfo')"],
      ["z.enum(['auto', 'exec', 'spawn']).default('auto')", "z._default(z.enum(['auto', 'exec', 'spawn']), 'auto')"],
      ['z.enum(PAUSE_POINTS).optional()', 'z.optional(z.enum(PAUSE_POINTS))'],
    ];
    for (const [from, to] of fields) s = replaceOnce(s, from, to, where);
    s = s.replaceAll('flag.default(false)', 'z._default(flag, false)');
    if (/(?<!\bz)\.(default|optional|refine|transform)\(/.test(s)) throw new Error(`${where}: a zod method call is left; the zod/mini edit needs updating`);
    return s;
  }),
  'config/document.ts': unless(usesZodMini, (t) => {
    const where = 'src/config/document.ts';
    let s = replaceOnce(t, "import { z } from 'zod';\n", "import * as z from 'zod/mini';\n", where);
    s = replaceOnce(
      s,
      `const shapeSchema = z
  .object({
    collectors: z
      .record(z.string(), z.unknown())
      .and(z.object({ cloud: objectSchema.optional() }))
      .optional(),
  })
  .loose();`,
      `const shapeSchema = z.looseObject({
  collectors: z.optional(z.intersection(z.record(z.string(), z.unknown()), z.object({ cloud: z.optional(objectSchema) }))),
});`,
      where,
    );
    return s;
  }),
};

/**
 * node:crypto and node:child_process loaded on first use (process.getBuiltinModule, Node 22.3+),
 * not at start: only a login (temp-file name, k6 as a child) and the spawn fallback need them, and
 * an ESM bundle hoists every built-in import to its top, so today every `k6 run` loads both.
 */
export const LAZY_BUILTIN_EDITS: Record<string, Edit> = {
  'config/atomic-write.ts': unless((t) => !t.includes("from 'node:crypto'"), (t) =>
    replaceOnce(
      t,
      "import { randomBytes } from 'node:crypto';\n",
      "// Loaded on first use: only a login writes a temp file.\nconst randomBytes = (size: number): Buffer => process.getBuiltinModule('node:crypto').randomBytes(size);\n",
      'src/config/atomic-write.ts',
    ),
  ),
  'handover/spawn.ts': unless((t) => !t.includes("from 'node:child_process'"), (t) =>
    replaceOnce(
      replaceOnce(t, "import { spawn } from 'node:child_process';\n", '', 'src/handover/spawn.ts'),
      '    const child = spawn(request.file, request.args, {',
      "    const child = process.getBuiltinModule('node:child_process').spawn(request.file, request.args, {",
      'src/handover/spawn.ts',
    ),
  ),
  'report/status.ts': unless((t) => !t.includes("from 'node:child_process'"), (t) =>
    replaceOnce(
      replaceOnce(t, "import { spawnSync } from 'node:child_process';\n", '', 'src/report/status.ts'),
      "  const result = spawnSync(binary, ['version'],",
      "  const result = process.getBuiltinModule('node:child_process').spawnSync(binary, ['version'],",
      'src/report/status.ts',
    ),
  ),
};

/** The edits of a set that would still change the current src/ (the others are adopted already). */
export function pendingEdits(srcDir: string, edits: Record<string, Edit>): Record<string, Edit> {
  const pending: Record<string, Edit> = {};
  for (const [file, edit] of Object.entries(edits)) {
    const text = readFileSync(join(srcDir, file), 'utf8');
    if (edit(text) !== text) pending[file] = edit;
  }
  return pending;
}

/** The banner of a CommonJS bundle: the shebang, and import.meta.url (which bundled ESM packages
 * such as yargs use) made from __filename. */
export const CJS_BANNER = (shebang: string): string => `${shebang}\nvar __k6pImportMetaUrl = require('node:url').pathToFileURL(__filename).href;`;
export const CJS_DEFINE = { 'import.meta.url': '__k6pImportMetaUrl' };

/** scripts/build.ts -> a CommonJS bundle (no ESM loader at start; require() is native). */
export const CJS_BUILD_EDIT: Edit = (t) =>
  replaceOnce(
    replaceOnce(t, "format: 'esm',", "format: 'cjs',\n  define: { 'import.meta.url': '__k6pImportMetaUrl' },", 'scripts/build.ts'),
    "js: `${shebang}\\nimport { createRequire as __k6pCreateRequire } from 'node:module';const require = __k6pCreateRequire(import.meta.url);`,",
    "js: `${shebang}\\nvar __k6pImportMetaUrl = require('node:url').pathToFileURL(__filename).href;`,",
    'scripts/build.ts',
  );

/** Dockerfile -> ship dist/k6-persist.cjs instead of dist/k6-persist.mjs. */
export const CJS_DOCKERFILE_EDIT: Edit = (t) =>
  replaceOnce(
    t,
    'RUN node scripts/build.ts --node-path /usr/libexec/k6-persist/node\n',
    'RUN node scripts/build.ts --node-path /usr/libexec/k6-persist/node --outfile dist/k6-persist.cjs\n',
    'Dockerfile',
  ).replaceAll('k6-persist.mjs', 'k6-persist.cjs');
