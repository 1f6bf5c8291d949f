// The commands around a test run that wrappers and the k6-operator also call: version, new,
// archive and inspect. archive and inspect read the config file like run does (a failing
// read is exit 104).
import fs from 'node:fs';
import path from 'node:path';
import { writeArchive } from './archive.ts';
import { type DiskConfig } from './config-file.ts';
import { TOP_LEVEL_KEYS } from './config-schema.ts';
import { toPlain } from './go-json.ts';
import { K6Error, goPathError } from './errors.ts';
import { goDuration, out } from './output.ts';
import { type Plan, type RunContext, maxDurationMs, plan, readConfig } from './run.ts';
import { type LoadedTest, loadTest } from './script.ts';
import { FEATURES, K6_VERSION, versionDetails } from './version.ts';

export function versionCommand(): number {
  out(`k6 v${versionDetails()}\n`);
  return 0;
}

const TEMPLATE = `import http from 'k6/http';
import { sleep } from 'k6';

// Directives for the k6 stand-in used in tests (ignored by a real k6):
// standin: duration=1s

export const options = {
  vus: 1,
  duration: '1s',
};

export default function () {
  http.get('https://quickpizza.grafana.com');
  sleep(1);
}
`;

export function newCommand(ctx: RunContext): number {
  const file = ctx.inv.args[0] ?? 'script.js';
  if (fs.existsSync(file) && !ctx.inv.flags.bool('force')) {
    throw new K6Error(`${file} already exists. Please provide a different name or use the "--force" flag to overwrite it`);
  }
  try {
    fs.writeFileSync(file, TEMPLATE, { mode: 0o644 });
  } catch (err) {
    throw goPathError('open', file, err);
  }
  out(`New script created: ${file} (minimal template).\n`);
  return 0;
}

/** lib.Options as k6 consolidates them: file options overlaid with what the test sets. */
function libOptions(disk: DiskConfig, test: LoadedTest, p: Plan): Record<string, unknown> {
  const configOnly = new Set(['out', 'linger', 'noUsageReport', 'webDashboard', 'noArchiveUpload', 'collectors']);
  const options: Record<string, unknown> = {};
  for (const spec of TOP_LEVEL_KEYS) {
    if (configOnly.has(spec.key)) continue;
    const value = disk[spec.key];
    if (value !== undefined) options[spec.key] = toPlain(value);
    else if (spec.zero !== undefined) options[spec.key] = toPlain(spec.zero);
  }
  if (test.directives.vus !== undefined) options['vus'] = p.vus;
  if (!p.iterationBased) options['duration'] = goDuration(p.durationMs);
  const cloud: Record<string, unknown> = {};
  if (test.cloud.token !== undefined) cloud['token'] = test.cloud.token;
  if (test.cloud.projectId !== undefined) cloud['projectID'] = test.cloud.projectId;
  if (test.cloud.name !== undefined) cloud['name'] = test.cloud.name;
  if (Object.keys(cloud).length > 0) options['cloud'] = cloud;
  return options;
}

/**
 * Plain `inspect` prints the script's own options (initRunner.GetOptions()), never the file's;
 * 2.1+ still reads the file, for feature flags, so a bad config fails it with 104 (audit D15).
 * With --execution-requirements every version consolidates the config, file included. Like k6,
 * the JSON is printed without a final newline.
 */
export function inspectCommand(ctx: RunContext): number {
  const test = loadTest(ctx.inv.args[0] ?? '', ctx.inv.flags.string('type'));
  const requirements = ctx.inv.flags.bool('execution-requirements');
  const disk = requirements || FEATURES.inspectReadsConfig ? readConfig(ctx) : {};
  const p = plan(ctx, test);
  const output = requirements
    ? { ...libOptions(disk, test, p), totalDuration: goDuration(maxDurationMs(p)), maxVUs: p.vus }
    : libOptions({}, test, p);
  out(JSON.stringify(output, null, 2));
  return 0;
}

export function archiveCommand(ctx: RunContext): number {
  const test = loadTest(ctx.inv.args[0] ?? '', ctx.inv.flags.string('type'));
  const disk = readConfig(ctx);
  const p = plan(ctx, test);
  const target = ctx.inv.flags.string('archive-out') ?? 'archive.tar';
  const file = test.file ?? path.join(process.cwd(), '-');
  const metadata = {
    type: 'js',
    options: libOptions(disk, test, p),
    filename: `file://${file}`,
    pwd: `file://${path.dirname(file)}/`,
    env: {},
    k6version: K6_VERSION,
    goos: 'linux',
  };
  const tar = writeArchive([
    { name: 'metadata.json', content: JSON.stringify(metadata, null, 2) },
    { name: 'data', content: test.source },
    { name: `scripts/file${file}`, content: test.source },
  ]);
  try {
    fs.writeFileSync(target, tar);
  } catch (err) {
    throw goPathError('open', target, err);
  }
  return 0;
}

export function unsupportedCommand(pathWords: readonly string[]): number {
  throw new K6Error(`the k6 stand-in does not implement "k6 ${pathWords.join(' ')}"`);
}
