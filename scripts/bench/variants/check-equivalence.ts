// Checks that the src/ edits the benchmark measures (scripts/bench/variants/edits.ts) change no
// behaviour of the edited functions: results and messages, on valid and invalid inputs.
//   node scripts/bench/variants/check-equivalence.ts
// The edited copy of src/ goes to build/bench-equivalence/ (inside the repo, so 'zod/mini' resolves).
import { deepStrictEqual } from 'node:assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as currentDoc from '../../../src/config/document.ts';
import * as currentEnv from '../../../src/settings/env.ts';
import { copySrc, REPO } from '../bundles.ts';
import { LAZY_BUILTIN_EDITS, pendingEdits, ZOD_MINI_EDITS } from './edits.ts';

const pending = pendingEdits(join(REPO, 'src'), { ...ZOD_MINI_EDITS, ...LAZY_BUILTIN_EDITS });
if (Object.keys(pending).length === 0) {
  console.log('src/ has adopted every edit already: nothing to compare');
  process.exit(0);
}
const dir = join(REPO, 'build/bench-equivalence/src');
rmSync(dir, { recursive: true, force: true });
copySrc(dir, pending);
const editedEnv = (await import(pathToFileURL(join(dir, 'settings/env.ts')).href)) as typeof currentEnv;
const editedDoc = (await import(pathToFileURL(join(dir, 'config/document.ts')).href)) as typeof currentDoc;

const envs: Array<Record<string, string | undefined>> = [
  {},
  { K6_PERSIST_K6_BIN: '/usr/bin/k6', K6_PERSIST_DIR: '/data', K6_PERSIST_QUIET: ' YES ', K6_PERSIST_DEBUG: 'off' },
  { K6_PERSIST_K6_BIN: 'relative/k6' },
  { K6_PERSIST_QUIET: 'maybe', K6_PERSIST_DEBUG: '2' },
  { K6_PERSIST_HANDOVER: 'fork' },
  { K6_PERSIST_HANDOVER: 'spawn', K6_PERSIST_PAUSE_AT: 'rename' },
  { K6_PERSIST_PAUSE_AT: 'nowhere', K6_PERSIST_MOUNTINFO: '' },
  { K6_PERSIST_DIR: '   ', K6_PERSIST_MOUNTINFO: 'x' },
];
const texts = [
  '',
  '  \n',
  '{}',
  '\uFEFF{}',
  '[]',
  'null',
  '42',
  '"s"',
  '{"collectors":{"cloud":{"token":"t"}},"x":1}',
  '{"collectors":[]}',
  '{"collectors":{"cloud":[]}}',
  '{"collectors":{"cloud":null}}',
  '{"collectors":null}',
  '{"collectors":{"influxdb":{}}}',
  '{"collectors":{"cloud":{"token":"t","x":{"y":[1,2]}}}}',
  '{bad json',
  '{"a":',
];
let passed = 0;
for (const env of envs) {
  deepStrictEqual(editedEnv.readSettings(env), currentEnv.readSettings(env), JSON.stringify(env));
  passed += 1;
}
for (const text of texts) {
  deepStrictEqual(editedDoc.parseConfigText(text), currentDoc.parseConfigText(text), JSON.stringify(text));
  passed += 1;
}
console.log(`${passed} passed, 0 failed`);
