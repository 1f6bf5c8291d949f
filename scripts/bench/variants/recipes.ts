// Variants as recipes of parts. A source part whose edits src/ has already adopted drops out of
// the recipe (it would measure the current build again), so the variants follow src/ as it
// changes: a recipe that becomes identical to another one is skipped with a note.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Edit, LAZY_BUILTIN_EDITS, pendingEdits, ZOD_MINI_EDITS } from './edits.ts';

export type Part = 'zod/mini' | 'lazy built-ins' | 'CommonJS' | 'compile cache' | 'V8 snapshot' | 'flag --v8-pool-size=0' | 'flag --jitless';

export const PART_CHANGES: Record<Part, string> = {
  'zod/mini': "src/settings/env.ts and src/config/document.ts on 'zod/mini' (ZOD_MINI_EDITS in scripts/bench/variants/edits.ts)",
  'lazy built-ins':
    'node:crypto and node:child_process loaded on first use with process.getBuiltinModule in src/config/atomic-write.ts, src/handover/spawn.ts, src/report/status.ts (LAZY_BUILTIN_EDITS)',
  CommonJS:
    "scripts/build.ts: format 'cjs', define import.meta.url from __filename in the banner; the Dockerfile ships dist/k6-persist.cjs (CJS_BUILD_EDIT, CJS_DOCKERFILE_EDIT)",
  'compile cache':
    'ENV NODE_COMPILE_CACHE=<dir>, filled at image build by one run as the image user (uid 12345) with K6_PERSIST_HANDOVER=spawn (Node writes it only on a normal exit)',
  'V8 snapshot': 'a start-up snapshot of the wrapper path built with node --build-snapshot (scripts/bench/variants/snapshot-entry.ts); /usr/bin/k6 = #!node --snapshot-blob=BLOB',
  'flag --v8-pool-size=0': 'shebang #!/usr/libexec/k6-persist/node --v8-pool-size=0 (no V8 worker threads)',
  'flag --jitless': 'shebang #!/usr/libexec/k6-persist/node --jitless',
};

const SOURCE_PARTS: Partial<Record<Part, Record<string, Edit>>> = {
  'zod/mini': ZOD_MINI_EDITS,
  'lazy built-ins': LAZY_BUILTIN_EDITS,
};

export interface Resolved {
  /** The parts that still change something, in recipe order. */
  parts: Part[];
  /** "as built", or the effective parts joined with " + ". */
  label: string;
  /** src/ edits still to apply. */
  edits: Record<string, Edit>;
  /** Source parts src/ has adopted already. */
  adopted: Part[];
}

/** scripts/build.ts has adopted the CommonJS bundle (CJS_BUILD_EDIT would then find nothing to edit). */
function buildsCommonJs(repo: string): boolean {
  return readFileSync(join(repo, 'scripts/build.ts'), 'utf8').includes("format: 'cjs'");
}

export function resolveRecipe(repo: string, recipe: readonly Part[]): Resolved {
  const parts: Part[] = [];
  const adopted: Part[] = [];
  let edits: Record<string, Edit> = {};
  for (const part of recipe) {
    if (part === 'CommonJS' && buildsCommonJs(repo)) {
      adopted.push(part);
      continue;
    }
    const sourceEdits = SOURCE_PARTS[part];
    if (!sourceEdits) {
      parts.push(part);
      continue;
    }
    const pending = pendingEdits(join(repo, 'src'), sourceEdits);
    if (Object.keys(pending).length === 0) adopted.push(part);
    else {
      parts.push(part);
      edits = { ...edits, ...pending };
    }
  }
  return { parts, label: parts.length ? parts.join(' + ') : 'as built', edits, adopted };
}
