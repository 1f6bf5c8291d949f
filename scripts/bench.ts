// k6-persist against the plain image it replaces, side by side, in one run (issue 6):
//
//   npm run bench                          # everything but the variant images (~5 min)
//   npm run bench -- --json bench.json --markdown bench.md
//   npm run bench -- --only wall,memory    # sections: size platforms startup phases wall wrapper container memory login options variants
//   npm run bench -- --quick               # a smoke run with few repetitions (numbers not for reporting)
//   npm run bench -- --variants            # also build variant images of proposed changes (slow)
//
// Sections (see BENCHMARKS.md for the method):
//   size       image sizes against the base, what the image adds, the bundle (one file, <= 1 MB,
//              Node built-ins only, no node_modules reachable)
//   wall       `docker run --rm IMAGE version` (and a one-iteration `run` with a volume), plain base
//              against k6-persist, alternated, medians and paired differences
//   wrapper    the wrapper's own cost on the host: k6-persist -> fake k6 minus the fake k6 alone,
//              for version, run, cloud run and a login
//   container  the same inside one container of the image, by the image's own Node
//   memory     resident memory of the whole container during a long `k6 run`, and which
//              processes exist (only k6, after the execve hand-over)
//   login      cloud login and cloud run against a mock k6 Cloud on 127.0.0.1: plain against k6-persist
//   options    Node start-up options tried on the host (compile cache, CommonJS, zod/mini, flags,
//              V8 snapshot), each against the current build
//   variants   (only with --variants) images with the options that paid, `docker run version`
//   startup    the start-up target of issue 13: on a base whose k6 is native (a static-busybox
//              script), `docker run IMAGE version` against `docker run --entrypoint <its Node>
//              IMAGE -e 0`, paired, for the image as built (launcher + V8 code cache), without
//              the code cache, and the Node floor (a one-line Node program that only execve's k6)
//   phases     where the milliseconds of a start through the wrapper go (`k6 run x.js` with a
//              volume, inside the image): the wrapper's steps with time marks, on the image's
//              launcher, Node and a code cache made as the image's is (scripts/bench/phases/)
//   platforms  image sizes of the release build for linux/amd64 and linux/arm64 (--release-image,
//              --release-base, pulled from the local registry of the release round trip), measured
//              alike on both: `du -skx /` in a container of the image and of its base
//
// Images: --base (default k6-persist-standin/k6:2.2.0) and --image (default k6-persist:test-2.2.0),
// built by `bash scripts/build-images.sh` (with --build, or when missing). Both are pinned by id at
// the start, so a rebuild by someone else during the run changes nothing. Only 127.0.0.1 is
// contacted; every loop is bounded by its repetition count.
import { mkdtempSync, chmodSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildProduction, externalImports, fileSize, REPO, reachableNodeModules } from './bench/bundles.ts';
import {
  bundleFromImage,
  dockerWall,
  type Fixtures,
  imageSizes,
  type Images,
  loginPath,
  memoryDuringRun,
  type MemoryRun,
  startMockCloudProcess,
  wrapperCostInContainer,
  writeScripts,
} from './bench/container.ts';
import { docker, dockerVersion, imageId, prepareVolume } from './bench/docker.ts';
import type { Series } from './bench/measure.ts';
import { markdownTable, type Table, textTable } from './bench/report.ts';
import { fmtBytes, fmtMs, fmtSigned, fmtSpread, median, pairedDifference, summarize } from './bench/stats.ts';
import { buildStartupVariants, measureStartupOptions } from './bench/startup-options.ts';
import { buildVariantImages, removeVariantImages, variantWall } from './bench/variants.ts';
import { measurePhases, phaseRows, preparePhases } from './bench/phases.ts';
import { buildNativeImages, duKb, nativeStartup, nativeStartupInContainer, removeNativeImages } from './bench/native-k6.ts';
import { OPTION_CHANGES, type StartupOption } from './bench/variants/options.ts';
import { measureWrapperCost, writeFakeK6 } from './bench/wrapper-cost.ts';

/** The Node image the variant images build on (scripts/standin-images.sh). */
const NODE_STANDIN = 'k6-persist-standin/node:24';
const ALL_SECTIONS = ['size', 'platforms', 'startup', 'phases', 'wall', 'wrapper', 'container', 'memory', 'login', 'options', 'variants'] as const;
const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
type Section = (typeof ALL_SECTIONS)[number];

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'k6-persist-standin/k6:2.2.0' },
    image: { type: 'string', default: 'k6-persist:test-2.2.0' },
    'release-image': { type: 'string', default: '127.0.0.1:5000/k6-persist:2.2.0' },
    'release-base': { type: 'string', default: '127.0.0.1:5000/k6-persist-standin/k6:2.2.0' },
    build: { type: 'boolean', default: false },
    runs: { type: 'string', default: '30' },
    'host-runs': { type: 'string', default: '40' },
    'mem-runs': { type: 'string', default: '2' },
    'mem-seconds': { type: 'string', default: '10' },
    only: { type: 'string' },
    variants: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    markdown: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n') + '\n');
  process.exit(0);
}

const positive = (name: string, text: string | undefined, min: number, max: number): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max}, got ${text}`);
  return n;
};
const quick = values.quick;
const runs = quick ? 4 : positive('runs', values.runs, 20, 200);
const hostRuns = quick ? 6 : positive('host-runs', values['host-runs'], 10, 500);
const memRuns = quick ? 1 : positive('mem-runs', values['mem-runs'], 1, 10);
const memSeconds = quick ? 3 : positive('mem-seconds', values['mem-seconds'], 3, 120);
const wanted = new Set<Section>(
  values.only
    ? values.only.split(',').map((s) => {
        const name = s.trim() as Section;
        if (!ALL_SECTIONS.includes(name)) throw new Error(`--only: unknown section ${s} (${ALL_SECTIONS.join(', ')})`);
        return name;
      })
    : ALL_SECTIONS.filter((s) => s !== 'variants' || values.variants),
);
if (values.variants) wanted.add('variants');

const log = (text: string) => process.stderr.write(`bench: ${text}\n`);
const tables: Table[] = [];
const raw: Record<string, unknown> = {};
const errors: Array<{ section: string; error: string }> = [];
interface Target {
  target: string;
  measured: string;
  met: boolean | undefined;
}
const targets: Target[] = [];

function emit(table: Table): void {
  tables.push(table);
  process.stdout.write(`${textTable(table)}\n`);
}

const kbText = (kb: number | undefined) => (kb === undefined || !Number.isFinite(kb) ? '-' : fmtBytes(kb * 1024));
const cpuMean = (s: Series) => s.cpuMs.reduce((a, b) => a + b, 0) / Math.max(1, s.cpuMs.length);

/** One row comparing a baseline series with a subject series of the same rounds. */
function compareRow(name: string, base: Series, subject: Series): string[] {
  const a = summarize(base.wallMs);
  const b = summarize(subject.wallMs);
  const paired = pairedDifference(base.wallMs, subject.wallMs);
  return [
    name,
    fmtSpread(a),
    fmtSpread(b),
    fmtSigned(b.median - a.median),
    `${fmtSigned(paired.median)} (${fmtSigned(paired.p25)}…${fmtSigned(paired.p75)})`,
    `${(b.median / a.median).toFixed(2)}x`,
  ];
}
const COMPARE_HEADER = ['', 'baseline ms', 'subject ms', 'Δ medians', 'Δ paired: median (p25…p75)', 'ratio'];

function byLabel(series: Series[], label: string): Series {
  const s = series.find((x) => x.label === label);
  if (!s) throw new Error(`no series ${label}`);
  return s;
}

// ---------------------------------------------------------------------------------------------

function machine(): Record<string, string | number> {
  const model = cpus()[0]?.model ?? 'unknown';
  return {
    nproc: availableParallelism(),
    cpu: model,
    memory: fmtBytes(totalmem()),
    kernel: release(),
    docker: dockerVersion(),
    node: process.version,
    loadavgStart: loadavg().map((l) => l.toFixed(2)).join(' '),
    date: new Date().toISOString(),
  };
}

async function main(): Promise<void> {
  const info = machine();
  raw['machine'] = info;
  log(`machine: ${JSON.stringify(info)}`);

  // Images, pinned by id.
  const haveImages = () => [values.base, values.image].every((ref) => spawnSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' }).status === 0);
  if (values.build || !haveImages()) {
    log('building the images: bash scripts/build-images.sh test-2-2-0');
    const built = spawnSync('bash', ['scripts/build-images.sh', 'test-2-2-0'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
    if (built.status !== 0) throw new Error('scripts/build-images.sh failed');
  }
  const images: Images = { base: imageId(values.base), image: imageId(values.image) };
  raw['images'] = { base: { ref: values.base, id: images.base }, image: { ref: values.image, id: images.image } };
  log(`base ${values.base} = ${images.base.slice(7, 19)}, image ${values.image} = ${images.image.slice(7, 19)}`);

  const work = mkdtempSync(join(tmpdir(), 'k6p-bench-'));
  chmodSync(work, 0o755);
  const volume = `k6p-bench-${process.pid}`;
  const fixtures: Fixtures = { scriptsDir: join(work, 'scripts'), volume };
  writeScripts(fixtures.scriptsDir, memSeconds);
  const fakeDir = join(work, 'bin');
  const fakeK6 = writeFakeK6(fakeDir);
  const nodePath = realpathSync(process.execPath);
  let stopCloud = () => {};
  try {
    prepareVolume(volume, images.base, 'chown 12345:12345 /config');

    if (wanted.has('size')) await section('size', () => sizeSection(images, work, nodePath));
    if (wanted.has('platforms')) await section('platforms', () => platformsSection());
    if (wanted.has('startup')) await section('startup', () => startupSection(work));
    if (wanted.has('phases')) await section('phases', () => phasesSection(images, fixtures, work));
    if (wanted.has('wall')) await section('wall', () => wallSection(images, fixtures));
    if (wanted.has('wrapper')) await section('wrapper', () => hostWrapperSection(work, nodePath, fakeK6));
    if (wanted.has('container')) await section('container', () => containerWrapperSection(images, fixtures, fakeDir));
    if (wanted.has('memory')) await section('memory', () => memorySection(images, fixtures));
    if (wanted.has('login'))
      await section('login', async () => {
        stopCloud = await loginSection(images, fixtures, work);
      });
    if (wanted.has('options')) await section('options', () => optionsSection(work, nodePath, fakeK6));
    if (wanted.has('variants')) await section('variants', () => variantsSection(images, fixtures, work));
  } finally {
    stopCloud();
    docker(['volume', 'rm', '-f', volume], { okCodes: [0, 1] });
    if (!values.keep) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
  }

  info['loadavgEnd'] = loadavg().map((l) => l.toFixed(2)).join(' ');
  emit({
    title: 'Targets (issue 6)',
    header: ['target', 'measured', 'met'],
    rows: targets.map((t) => [t.target, t.measured, t.met === undefined ? 'n/a' : t.met ? 'yes' : 'NO']),
    notes: [`machine: ${info['nproc']} cores, ${info['memory']}, kernel ${info['kernel']}, ${info['docker']}; load average ${info['loadavgStart']} at start, ${info['loadavgEnd']} at end`],
  });
  for (const e of errors) log(`section ${e.section} FAILED: ${e.error}`);

  if (values.json) writeFileSync(values.json, `${JSON.stringify({ machine: info, targets, errors, tables, raw }, null, 2)}\n`);
  if (values.markdown) {
    const md = [
      `## k6-persist benchmark, ${info['date']}`,
      '',
      `Machine: ${info['nproc']} cores (${info['cpu']}), ${info['memory']}, kernel ${info['kernel']}, Docker ${info['docker']}, Node ${info['node']}. ` +
        `Load average ${info['loadavgStart']} at start, ${info['loadavgEnd']} at end. Repetitions: ${runs} docker rounds, ${hostRuns} host rounds, ${memRuns}×${memSeconds} s memory runs${quick ? ' (--quick: not for reporting)' : ''}.`,
      '',
      ...tables.map(markdownTable),
      ...(errors.length ? ['### Errors', '', ...errors.map((e) => `- ${e.section}: ${e.error}`), ''] : []),
    ].join('\n');
    writeFileSync(values.markdown, md);
  }
  if (errors.length) process.exitCode = 1;
}

async function section(name: Section, body: () => unknown): Promise<void> {
  const t0 = Date.now();
  log(`section ${name} ...`);
  try {
    await body();
  } catch (error) {
    errors.push({ section: name, error: String(error instanceof Error ? error.message : error).slice(0, 2000) });
  }
  log(`section ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------------------------------------

function sizeSection(images: Images, work: string, nodePath: string): void {
  const sizes = imageSizes(images);
  // docker image inspect's Size is the unpacked size on the classic store, but the compressed
  // layers on the containerd store (Docker 26 here): du counts the files alike everywhere.
  const host = `linux/${process.arch === 'arm64' ? 'arm64' : 'amd64'}`;
  const duBase = duKb(images.base, host) * 1024;
  const duImage = duKb(images.image, host) * 1024;
  const hostBundle = buildProduction(join(work, 'size-bundle'), nodePath);
  const fromImage = bundleFromImage(images.image, join(work, 'image-bundle.cjs'));
  const imageImports = externalImports(fromImage);
  const hostImports = externalImports(hostBundle.file);
  const bundleBytes = fileSize(fromImage);
  // The `k6-persist` command: a bundle of its own that no k6 start loads.
  const cliFromImage = bundleFromImage(images.image, join(work, 'image-cli-bundle.cjs'), 'k6-persist-cli.cjs');
  const cliBytes = fileSize(cliFromImage);
  const cliImports = externalImports(cliFromImage);
  // The same bundle but for the shebang line (the interpreter's path differs)?
  const body = (file: string) => readFileSync(file, 'utf8').replace(/^#![^\n]*\n/, '');
  const current = body(fromImage) === body(hostBundle.file);
  if (!current) log(`WARNING: the image's bundle is not a build of the current src/: rebuild the image (npm run bench -- --build)`);
  raw['size'] = { ...sizes, bundleInImage: bundleBytes, bundleHost: fileSize(hostBundle.file), imports: imageImports.all, cliBundleInImage: cliBytes, cliImports: cliImports.all };
  raw['size'] = { ...(raw['size'] as object), duBase, duImage };
  const rows = [
    ['plain base image (files, du)', fmtBytes(duBase)],
    ['k6-persist image (files, du)', fmtBytes(duImage)],
    ['added', `${fmtBytes(duImage - duBase)} (${((duImage / duBase - 1) * 100).toFixed(0)} %)`],
    ['docker image inspect Size: base, image', `${fmtBytes(sizes.baseBytes)}, ${fmtBytes(sizes.imageBytes)}`],
    ...Object.entries(sizes.added).map(([path, bytes]) => [`  of which ${path}`, fmtBytes(bytes)]),
    ['bundle in the image (one file)', `${fmtBytes(bundleBytes)} (${bundleBytes} B)`],
    ['the k6-persist command (one file, never loaded by k6)', `${fmtBytes(cliBytes)} (${cliBytes} B)`],
    ['bundle built here from src/', fmtBytes(fileSize(hostBundle.file))],
    ['image bundle = build of the current src/', current ? 'yes' : 'NO: the image is stale (--build)'],
    ['imports that are not Node built-ins', [...imageImports.nonBuiltin, ...cliImports.nonBuiltin].join(' ') || 'none'],
    ['node_modules directories in the image', sizes.nodeModules.join(' ') || 'none'],
    ['node_modules reachable from the host bundle', reachableNodeModules(hostBundle.file).join(' ') || 'none'],
  ];
  emit({
    title: 'Image and bundle size',
    header: ['what', 'size'],
    rows,
    notes: [`the bundle imports only: ${imageImports.all.join(' ')}`, `host bundle imports the same set: ${JSON.stringify(hostImports.all) === JSON.stringify(imageImports.all)}`],
  });
  targets.push({
    target: 'bundle: one file ≤ 1 MB, loaded without node_modules',
    measured: `${fmtBytes(bundleBytes)} (the k6-persist command apart: ${fmtBytes(cliBytes)}), non-built-in imports: ${imageImports.nonBuiltin.length + cliImports.nonBuiltin.length}, node_modules in the image: ${sizes.nodeModules.length}`,
    met: bundleBytes <= 1_000_000 && cliBytes <= 1_000_000 && imageImports.nonBuiltin.length + cliImports.nonBuiltin.length === 0 && sizes.nodeModules.length === 0,
  });
}

function platformsSection(): void {
  const release = values['release-image']!;
  const base = values['release-base']!;
  const rows: string[][] = [];
  const notes: string[] = [];
  const added: Record<string, number> = {};
  for (const platform of PLATFORMS) {
    try {
      const imageKb = duKb(release, platform);
      const baseKb = duKb(base, platform);
      added[platform] = (imageKb - baseKb) * 1024;
      rows.push([platform, fmtBytes(baseKb * 1024), fmtBytes(imageKb * 1024), fmtBytes((imageKb - baseKb) * 1024)]);
    } catch (error) {
      const why = String(error instanceof Error ? error.message : error).split('\n')[0]!.slice(0, 300);
      rows.push([platform, '-', '-', 'not available']);
      notes.push(`${platform}: not measured: ${why} (build it with bash scripts/build-images.sh release)`);
    }
  }
  raw['platforms'] = { release, base, addedBytes: added };
  emit({
    title: `Image size per platform: ${release} on ${base} (du -skx / in a container of each)`,
    header: ['platform', 'base', 'k6-persist', 'added'],
    rows,
    notes: ['du counts the files of the root file system (as root, this file system only), the same way on both platforms; arm64 runs under emulation.', ...notes],
  });
  const measured = Object.entries(added);
  targets.push({
    target: 'image at most the base + 112 MB (each platform)',
    measured: measured.length ? measured.map(([p, b]) => `${p} +${fmtBytes(b)}`).join(', ') : 'not measured',
    met: measured.length === PLATFORMS.length ? measured.every(([, b]) => b <= 112e6) : undefined,
  });
}

async function startupSection(work: string): Promise<void> {
  const native = await buildNativeImages(values.base!, NODE_STANDIN, join(work, 'native'), log, String(process.pid));
  try {
    const series = nativeStartup(native, runs);
    raw['startup'] = { base: native.base, variants: native.variants, series };
    const alone = byLabel(series, 'native k6 alone: version');
    const floor = byLabel(series, 'Node floor: version');
    const rows = native.variants.map((v) => {
      const version = byLabel(series, `${v.label}: version`);
      const node = byLabel(series, `${v.label}: node -e 0`);
      const overNode = pairedDifference(node.wallMs, version.wallMs);
      const overFloor = pairedDifference(floor.wallMs, version.wallMs);
      const overK6 = pairedDifference(alone.wallMs, version.wallMs);
      return [
        v.label,
        fmtSpread(summarize(version.wallMs)),
        fmtSpread(summarize(node.wallMs)),
        `${fmtSigned(overNode.median)} (${fmtSigned(overNode.p25)}…${fmtSigned(overNode.p75)})`,
        v.label === 'Node floor' ? '' : `${fmtSigned(overFloor.median)} (${fmtSigned(overFloor.p25)}…${fmtSigned(overFloor.p75)})`,
        fmtSigned(overK6.median),
      ];
    });
    emit({
      title: `Start-up on a base with a native k6 (docker run --rm; ms; ${runs} alternated rounds)`,
      header: ['image', 'IMAGE version', 'Node alone (-e 0)', 'over Node: paired median (p25…p75)', 'over the Node floor: paired median (p25…p75)', 'over plain k6 version'],
      rows,
      notes: [
        `plain k6 alone (the native base, ${native.base}): ${fmtSpread(summarize(alone.wallMs))} ms`,
        'IMAGE version = k6 on PATH, its execve, then k6; Node alone = the same image with --entrypoint /usr/libexec/k6-persist/node -e 0',
        'as built: the launcher runs the wrapper bundle from the V8 code cache made at image build (one file, every uid); without code cache: k6 on PATH is the bundle itself',
        'Node floor: k6 on PATH is a one-line Node program that only execve\'s /usr/bin/k6, the least any Node entrypoint costs; "over the Node floor" is what the wrapper itself adds',
      ],
    });
    const inner = nativeStartupInContainer(native, join(REPO, 'scripts/bench'), hostRuns);
    raw['startupInContainer'] = inner;
    emit({
      title: `The same inside one container of each image (ms; ${hostRuns} alternated rounds; the image's user and environment)`,
      header: ['image', 'k6 version (k6 on PATH)', 'node -e 0', 'version over Node: paired median (p25…p75)', 'CPU: version over Node (mean)', 'k6 run x.js over Node: paired median (p25…p75)', 'CPU: run over Node (mean)'],
      rows: Object.entries(inner).map(([label, s]) => {
        const version = byLabel(s, 'k6 version');
        const run = byLabel(s, 'k6 run x.js');
        const node = byLabel(s, 'node -e 0');
        const d = pairedDifference(node.wallMs, version.wallMs);
        const r = pairedDifference(node.wallMs, run.wallMs);
        return [
          label,
          fmtSpread(summarize(version.wallMs)),
          fmtSpread(summarize(node.wallMs)),
          `${fmtSigned(d.median)} (${fmtSigned(d.p25)}…${fmtSigned(d.p75)})`,
          fmtSigned(cpuMean(version) - cpuMean(node)),
          `${fmtSigned(r.median)} (${fmtSigned(r.p25)}…${fmtSigned(r.p75)})`,
          fmtSigned(cpuMean(run) - cpuMean(node)),
        ];
      }),
      notes: [
        'k6 version = /usr/local/bin/k6 found on PATH (the launcher, the bundle or the floor program), which hands over to /usr/bin/k6 by execve; as built, the launcher does so itself (a command that never reads the config: src/boot/direct-start.ts)',
        'k6 run x.js = the same through the whole wrapper (no volume mounted): its facts, decision and hand-over; the native k6 exits at once',
        'CPU = user+system time of the process tree, mean per run (10 ms ticks, so only the mean over many runs means anything); it is far less disturbed by other load than wall time',
      ],
    });
    const asBuilt = native.variants.find((v) => v.label === 'as built')!;
    const added = pairedDifference(byLabel(series, 'as built: node -e 0').wallMs, byLabel(series, 'as built: version').wallMs).median;
    const floorAdded = pairedDifference(byLabel(series, 'Node floor: node -e 0').wallMs, floor.wallMs).median;
    targets.push({
      target: '≤ 3 ms added over Node\'s bare start in the same image (docker run version vs --entrypoint node -e 0, native k6)',
      measured: `${fmtSigned(added)} ms (paired median, ${asBuilt.label}); the Node floor adds ${fmtSigned(floorAdded)} ms`,
      met: added <= 3,
    });
    // No target of its own, but what every other command pays: shown beside the one above so the
    // direct start of `version` cannot pass for the cost of a run.
    const inBuilt = inner[asBuilt.label]!;
    const runAdded = pairedDifference(byLabel(inBuilt, 'node -e 0').wallMs, byLabel(inBuilt, 'k6 run x.js').wallMs).median;
    targets.push({
      target: 'a command through the whole wrapper (k6 run x.js inside a container, over node -e 0): no target, for comparison',
      measured: `${fmtSigned(runAdded)} ms (paired median, ${asBuilt.label})`,
      met: undefined,
    });
  } finally {
    if (!values.keep) removeNativeImages(native);
  }
}

async function phasesSection(images: Images, fixtures: Fixtures, work: string): Promise<void> {
  const dir = await preparePhases(images.image, REPO, work);
  const runs = measurePhases(images.image, fixtures.volume, join(REPO, 'scripts/bench'), dir, hostRuns);
  raw['phases'] = runs;
  const rows = phaseRows(runs);
  emit({
    title: `Where a start through the wrapper goes: k6 run x.js with the volume at /config, inside one container (ms; ${hostRuns} alternated rounds)`,
    header: ['phase', 'median (p25…p75)', 'mean'],
    rows: rows.map((r) => [r.phase, `${fmtMs(r.summary.median, 2)} (${fmtMs(r.summary.p25, 2)}…${fmtMs(r.summary.p75, 2)})`, fmtMs(r.summary.mean, 2)]),
    notes: [
      `Node and the launcher until a bundle runs (the empty copy): ${fmtSpread(summarize(runs.empty.map((m) => m['modules'] ?? Number.NaN)))} ms after the process started`,
      'each phase is a difference of time marks within one start (the timed copy: the wrapper, which reports each step it finishes, with a mark per step: scripts/bench/phases/entry.ts); loading and the totals are paired against the empty copy of the same round; a start ends where k6 would begin (process.execve replaced)',
      'both copies run from the image\'s launcher and Node, with their code caches made as the Dockerfile makes the image\'s; the image\'s own bundle is timed to the same point, which shows what the marks themselves cost',
    ],
  });
}

function wallSection(images: Images, fixtures: Fixtures): void {
  log(`docker run: ${runs} rounds of 4 containers`);
  const series = dockerWall(images, fixtures, runs);
  raw['wall'] = series;
  const version = [byLabel(series, 'plain: version'), byLabel(series, 'k6-persist: version')] as const;
  const run = [byLabel(series, 'plain: run one.js'), byLabel(series, 'k6-persist: run one.js')] as const;
  emit({
    title: `Wall time of docker run --rm (ms; ${runs} alternated rounds; baseline = plain base, subject = k6-persist)`,
    header: COMPARE_HEADER,
    rows: [compareRow('version', version[0], version[1]), compareRow('run one.js (volume at /config)', run[0], run[1])],
    notes: ['ms as median (p25–p75); Δ paired = per-round difference, so a slow moment of the machine cancels out'],
  });
  const added = pairedDifference(version[0].wallMs, version[1].wallMs).median;
  targets.push({ target: '≤ 15 ms added median wall time (docker run version)', measured: `${fmtSigned(added)} ms (paired median)`, met: added <= 15 });
}

function wrapperTable(title: string, result: { series: Series[]; pairs: Array<[string, string]> }, notes: string[]): Table {
  return {
    title,
    header: ['', 'baseline ms', 'subject ms', 'Δ medians', 'Δ paired: median (p25…p75)', 'CPU Δ ms (mean)'],
    rows: result.pairs.map(([subject, base]) => {
      const row = compareRow(`${subject}  vs  ${base}`, byLabel(result.series, base), byLabel(result.series, subject));
      row[5] = fmtSigned(cpuMean(byLabel(result.series, subject)) - cpuMean(byLabel(result.series, base)));
      return row;
    }),
    notes,
  };
}

function hostWrapperSection(work: string, nodePath: string, fakeK6: string): void {
  const bundle = buildProduction(join(work, 'host-bundle'), nodePath);
  const persistDir = join(work, 'persist');
  mkdirSync(persistDir, { recursive: true });
  const result = measureWrapperCost({
    node: nodePath,
    wrapper: bundle.wrapper,
    fakeK6,
    workDir: join(work, 'host-work'),
    persistDir,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: work },
    rounds: hostRuns,
  });
  raw['wrapper'] = result;
  emit(
    wrapperTable(`The wrapper's own cost on the host (ms; ${hostRuns} alternated rounds; Node ${process.version})`, result, [
      'subject = the bundle of src/ (scripts/build.ts) started by its shebang, handing over to a fake k6 that exits at once;',
      'baseline = the fake k6 alone with the same arguments. Δ = process start to hand-over (+ for a login: staging, merge, atomic write with fsync);',
      'the last row is Node alone (node -e 0), the floor of any Node program. CPU = user+system of the process tree, mean per run.',
    ]),
  );
}

function containerWrapperSection(images: Images, fixtures: Fixtures, fakeDir: string): void {
  const result = wrapperCostInContainer(images.image, fixtures, join(REPO, 'scripts/bench'), fakeDir, hostRuns);
  raw['container'] = result;
  emit(
    wrapperTable(`The wrapper's own cost inside one k6-persist container (ms; ${hostRuns} rounds; the image's Node)`, result, [
      'as above, but inside the image under test: /usr/bin/k6 (the image bundle, its Node), the config found on the volume at /config.',
    ]),
  );
}

function memorySection(images: Images, fixtures: Fixtures): void {
  const runsOut: MemoryRun[] = [];
  for (let i = 0; i < memRuns; i += 1) {
    const order = i % 2 === 0 ? [images.base, images.image] : [images.image, images.base];
    for (const ref of order) {
      log(`memory: ${memSeconds} s run of ${ref === images.base ? 'plain' : 'k6-persist'} (${i + 1}/${memRuns})`);
      runsOut.push(memoryDuringRun(ref, fixtures, memSeconds));
    }
  }
  raw['memory'] = runsOut;
  const of = (ref: string) => runsOut.filter((r) => r.image === ref);
  const med = (ref: string, f: (r: MemoryRun) => number) => median(of(ref).map(f));
  const kb = (v: number) => fmtBytes(v * 1024);
  const rows = (
    [
      ['plain', images.base],
      ['k6-persist', images.image],
    ] as const
  ).map(([name, ref]) => [
    name,
    kb(med(ref, (r) => r.rssKb)),
    kb(med(ref, (r) => r.rssMaxKb)),
    fmtBytes(med(ref, (r) => r.cgroupUsage)),
    fmtBytes(med(ref, (r) => r.cgroupAnon)),
    fmtBytes(med(ref, (r) => r.cgroupFile)),
    fmtBytes(med(ref, (r) => r.cgroupPeak)),
    String(Math.max(...of(ref).map((r) => r.maxProcesses))),
  ]);
  const rssDiffKb = med(images.image, (r) => r.rssKb) - med(images.base, (r) => r.rssKb);
  const anonDiff = med(images.image, (r) => r.cgroupAnon) - med(images.base, (r) => r.cgroupAnon);
  const persistProcs = [...new Set(of(images.image).flatMap((r) => r.processes))];
  const plainProcs = [...new Set(of(images.base).flatMap((r) => r.processes))];
  emit({
    title: `Memory of the whole container during a ${memSeconds} s k6 run (${memRuns} run(s) each, alternated; medians)`,
    header: ['', 'RSS, all processes', 'RSS max', 'cgroup usage', 'anon', 'page cache', 'cgroup peak', 'processes'],
    rows: [...rows, ['k6-persist − plain', kb(rssDiffKb), '', '', fmtBytes(anonDiff), '', '', '']],
    notes: [
      'sampled every 200 ms from the host (/proc of each process in the container\'s memory cgroup); steady state = after the first second',
      `plain processes: ${plainProcs.join(' | ')}`,
      `k6-persist processes: ${persistProcs.join(' | ')}`,
      'cgroup peak = high-water mark since the container started: for k6-persist it includes the wrapper\'s moment before its execve',
      `first sample of each k6-persist run: ${of(images.image).map((r) => `${r.first.atMs} ms: ${r.first.processes.join(' | ') || '-'}`).join('; ')}`,
      `only the final process(es) from (ms after docker run -d returned): plain ${of(images.base).map((r) => r.settledAtMs).join(', ')}; k6-persist ${of(images.image).map((r) => r.settledAtMs).join(', ')}`,
    ],
  });
  // The same executables as plain k6, one process at a time, and never the wrapper's Node.
  const exes = (ref: string) => new Set(of(ref).flatMap((r) => r.processes.map((p) => p.split('[exe ')[1] ?? '?')));
  const persistExes = exes(images.image);
  const plainExes = exes(images.base);
  const maxPersist = Math.max(...of(images.image).map((r) => r.maxProcesses));
  const onlyK6 =
    persistExes.size > 0 &&
    [...persistExes].every((e) => plainExes.has(e) && !e.startsWith('/usr/libexec/k6-persist/node')) &&
    maxPersist <= Math.max(...of(images.base).map((r) => r.maxProcesses));
  targets.push({
    target: 'during runs no process besides k6 (execve hand-over)',
    measured: `${maxPersist} process at most: ${persistProcs.map((p) => p.split('  [')[0]).join(' | ')}`,
    met: onlyK6,
  });
  targets.push({
    target: 'no added resident memory during runs',
    measured: `RSS ${kb(rssDiffKb)}, anon ${fmtBytes(anonDiff)} (k6-persist − plain, medians)`,
    // The only process is k6 in both; what is left is run-to-run noise of k6 itself.
    met: onlyK6 && Math.abs(rssDiffKb) < 2048,
  });
}

async function loginSection(images: Images, fixtures: Fixtures, work: string): Promise<() => void> {
  const tokens: [string, string] = [`bench_${process.pid}_a`, `bench_${process.pid}_b`];
  const cloud = await startMockCloudProcess(REPO, work, tokens, 'bench=4242:77');
  log(`mock k6 Cloud at ${cloud.url}`);
  const series = loginPath(images, fixtures, cloud.url, tokens, { slug: 'bench', id: 4242, projectId: 77 }, runs);
  raw['login'] = { series, requests: cloud.requestCount() };
  const pairs: Array<[string, string, string]> = [
    ['cloud login --token T --stack S', 'plain: cloud login', 'k6-persist: cloud login'],
    ['cloud run (plain: token in env; k6-persist: saved login)', 'plain: cloud run (token in env)', 'k6-persist: cloud run (saved login)'],
  ];
  emit({
    title: `Login path against a mock k6 Cloud on 127.0.0.1 (docker run --rm --network host; ms; ${runs} alternated rounds)`,
    header: COMPARE_HEADER,
    rows: pairs.map(([name, a, b]) => compareRow(name, byLabel(series, a), byLabel(series, b))),
    notes: [
      'k6-persist logs in with two tokens in turn, so each login runs the whole path: staging copy, k6 as a child, diff, lock, atomic replace with fsync, read-back;',
      'the plain login writes into the container and is lost with it. The k6-persist cloud run uses the login saved on the volume (no token given).',
      `requests the mock cloud answered: ${cloud.requestCount()}`,
    ],
  });
  return cloud.stop;
}

async function optionsSection(work: string, nodePath: string, fakeK6: string): Promise<void> {
  const errs: Array<{ name: string; error: string }> = [];
  const variants = await buildStartupVariants(join(work, 'variants'), nodePath, errs);
  const persistDir = join(work, 'persist-options');
  mkdirSync(persistDir, { recursive: true });
  const result = await measureStartupOptions({
    variants,
    nodePath,
    fakeK6,
    workDir: join(work, 'options-work'),
    persistDir,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: work },
    rounds: hostRuns,
    errors: errs,
  });
  raw['options'] = { ...result, variants: result.variants.map((v) => ({ name: v.name, change: v.change, bytes: fileSize(v.file) })) };
  const base = byLabel(result.series, result.baselineLabel);
  const current = byLabel(result.series, result.currentLabel);
  const rows = result.series.map((s) => {
    const variant = result.variants.find((v) => v.name === s.label);
    const added = pairedDifference(base.wallMs, s.wallMs);
    const vsCurrent = pairedDifference(current.wallMs, s.wallMs);
    return [
      s.label,
      fmtSpread(summarize(s.wallMs)),
      fmtMs(cpuMean(s)),
      s === base ? '' : fmtSigned(added.median),
      s === base || !variant ? '' : fmtSigned(vsCurrent.median),
      s === base || !variant ? '' : fmtSigned(cpuMean(s) - cpuMean(current)),
      variant ? fmtBytes(fileSize(variant.file)) : '',
      variant && result.loginMemory[variant.name] ? `${kbText(result.loginMemory[variant.name]?.rssKb)} (${kbText(result.loginMemory[variant.name]?.anonKb)})` : '',
    ];
  });
  emit({
    title: `Node start-up options for the wrapper, on the host (\`run\` to a fake k6; ${hostRuns} alternated rounds)`,
    header: ['variant', 'wall ms median (p25–p75)', 'CPU ms', 'added vs fake alone', 'Δ wall vs current', 'Δ CPU vs current', 'file', 'RSS in a login (anon)'],
    rows,
    notes: [
      'RSS in a login: the wrapper\'s resident memory while k6 runs as its child (a login keeps the wrapper to merge the result), 0.5 s into a login to a slow fake k6',
      ...optionLegend(result.variants.map((v) => v.name)),
      ...errs.map((e) => `${e.name}: not measured (${e.error.split('\n')[0]})`),
    ],
  });
}

async function variantsSection(images: Images, fixtures: Fixtures, work: string): Promise<void> {
  const built = await buildVariantImages(fixtures, join(work, 'variant-images'), log, values.base, NODE_STANDIN);
  const series = variantWall(images, built, runs);
  raw['variants'] = { images: built, series };
  if (!values.keep) removeVariantImages(built);
  const base = byLabel(series, 'plain');
  emit({
    title: `Variant images: docker run --rm IMAGE version (ms; ${runs} alternated rounds; baseline = plain base)`,
    header: COMPARE_HEADER,
    rows: series.filter((s) => s !== base).map((s) => compareRow(s.label, base, s)),
    notes: [...built.map((b) => `${b.label}: image ${fmtBytes(b.bytes)}`), ...optionLegend(built.map((b) => b.label))],
  });
}

/** What each option named by a variant changes. */
function optionLegend(labels: string[]): string[] {
  const options = (Object.keys(OPTION_CHANGES) as StartupOption[]).filter((option) => labels.includes(option));
  const legend = options.map((option) => `${option}: ${OPTION_CHANGES[option]}`);
  if (labels.includes('without code cache')) legend.push('without code cache: k6 on PATH is the wrapper bundle itself, compiled at every start (no launcher, no V8 code cache)');
  return legend;
}

await main();
