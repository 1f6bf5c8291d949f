// Loading the test a command was given: a script file, `-` (stdin) or a k6 archive (.tar).
// The stand-in never executes JavaScript. It reads two things from the script text:
//
// 1. `options.cloud` and the older `options.ext.loadimpact` — token, projectID, name and
//    stackID, each only when present (projectID: 0 counts) — found with a brace-matching scan,
//    since k6 takes the cloud token and stack from there too. Which block wins is
//    version-dependent and decided in cloud-config.ts.
//
// 2. Directive comments, one per line, that tell the simulated run what to do:
//      // standin: duration=10s      the run lasts this long (Go duration; default 100ms)
//      // standin: vus=3             VUs shown in the description and summary (default 1)
//      // standin: thresholds=fail   the summary shows a crossed threshold; exit 99
//      // standin: thresholds=pass   the summary shows a passing threshold block
//      // standin: throw             exception in the init context: exit 107 before the run,
//                                    with k6's hint="script exception"
//      // standin: exit=N            after a normal end and the summary, exit with code N
//      // standin: teardown=2s       time between the first SIGINT/SIGTERM and the summary
//                                    (graceful stop + teardown; default 0s), the window in
//                                    which a second signal hard-stops k6
//
// A missing script file fails like k6's module loader, with no exit code of its own (255).
import fs from 'node:fs';
import path from 'node:path';
import { readArchive } from './archive.ts';
import { ExitCode, K6Error, goPathError, isErrno } from './errors.ts';

export interface Directives {
  /** Undefined: k6's default of one iteration per VU (simulated as 100ms). */
  durationMs?: number;
  vus?: number;
  thresholds: 'none' | 'pass' | 'fail';
  throws: boolean;
  exitCode?: number;
  teardownMs: number;
}

export interface ScriptCloudOptions {
  token?: string;
  projectId?: number;
  name?: string;
  stackId?: number;
}

export interface LoadedTest {
  /** Path as given on the command line (`-` for stdin). */
  readonly arg: string;
  /** Absolute path of the file, or undefined for stdin. */
  readonly file?: string;
  readonly source: string;
  readonly isArchive: boolean;
  readonly directives: Directives;
  /** `options.cloud` ({} when the script has none; see cloudPresent). */
  readonly cloud: ScriptCloudOptions;
  readonly cloudPresent: boolean;
  /** `options.ext.loadimpact`, when the script has it. */
  readonly legacyCloud?: ScriptCloudOptions;
}

/** Go's time.ParseDuration for the simple forms scripts use: 10s, 1m30s, 500ms, 1.5s, 2h. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  while (index < text.length) {
    part.lastIndex = index;
    const match = part.exec(text);
    if (match === null) return undefined;
    total += Number(match[1]) * (units[match[2] ?? 's'] ?? 0);
    index = part.lastIndex;
  }
  return index === 0 ? undefined : Math.round(total);
}

export function parseDirectives(source: string): Directives {
  const directives: Directives = { thresholds: 'none', throws: false, teardownMs: 0 };
  for (const match of source.matchAll(/^\s*\/\/\s*standin:\s*([a-z]+)(?:=(\S+))?/gm)) {
    const [, key, value = ''] = match;
    switch (key) {
      case 'duration':
        directives.durationMs = parseGoDuration(value) ?? directives.durationMs;
        if (directives.durationMs === undefined) delete directives.durationMs;
        break;
      case 'vus':
        directives.vus = Math.max(1, Number.parseInt(value, 10) || 1);
        break;
      case 'thresholds':
        directives.thresholds = value === 'fail' ? 'fail' : 'pass';
        break;
      case 'throw':
        directives.throws = true;
        break;
      case 'exit':
        directives.exitCode = Number.parseInt(value, 10);
        break;
      case 'teardown':
        directives.teardownMs = parseGoDuration(value) ?? 0;
        break;
      default:
        break;
    }
  }
  return directives;
}

/** The `{...}` following `name:` (brace-matched, strings skipped), or undefined. */
function objectAfter(source: string, name: string): string | undefined {
  const start = new RegExp(`\\b${name}\\s*:\\s*\\{`).exec(source);
  if (start === null) return undefined;
  let depth = 0;
  let quote = '';
  for (let i = start.index + start[0].length - 1; i < source.length; i++) {
    const c = source[i];
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
    } else if (c === '{') {
      depth++;
    } else if (c === '}' && --depth === 0) {
      return source.slice(start.index + start[0].length, i);
    }
  }
  return undefined;
}

function cloudOptionsFrom(block: string): ScriptCloudOptions {
  const result: ScriptCloudOptions = {};
  const token = /\btoken\s*:\s*(['"`])(.*?)\1/s.exec(block);
  if (token?.[2] !== undefined) result.token = token[2];
  const project = /\bprojectID\s*:\s*(\d+)/.exec(block);
  if (project?.[1] !== undefined) result.projectId = Number(project[1]);
  const name = /\bname\s*:\s*(['"`])(.*?)\1/s.exec(block);
  if (name?.[2] !== undefined) result.name = name[2];
  const stack = /\bstackID\s*:\s*(\d+)/.exec(block);
  if (stack?.[1] !== undefined) result.stackId = Number(stack[1]);
  return result;
}

export interface ScriptCloudBlocks {
  readonly cloud?: ScriptCloudOptions;
  readonly legacyCloud?: ScriptCloudOptions;
}

export function scriptCloudOptions(source: string): ScriptCloudBlocks {
  const cloud = objectAfter(source, 'cloud');
  const legacy = objectAfter(objectAfter(source, 'ext') ?? '', 'loadimpact');
  return {
    ...(cloud === undefined ? {} : { cloud: cloudOptionsFrom(cloud) }),
    ...(legacy === undefined ? {} : { legacyCloud: cloudOptionsFrom(legacy) }),
  };
}

const MODULE_NOT_FOUND =
  "couldn't be found on local disk. Make sure that you've specified the right path to the file. If you're " +
  'running k6 using the Docker image make sure you have mounted the local directory (-v /local/path/:/inside/docker/path) ' +
  "containing your script and modules so that they're accessible by k6 from inside of the container, see " +
  'https://grafana.com/docs/k6/latest/using-k6/modules/#using-local-modules-with-docker.';

/** All of stdin, like k6 does for `-`: waits for end of input, also on a non-blocking pipe. */
function readStdin(): Buffer {
  const chunks: Buffer[] = [];
  const chunk = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, chunk, 0, chunk.length, null);
    } catch (err) {
      if (isErrno(err, 'EAGAIN')) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (isErrno(err, 'EOF')) break;
      throw goPathError('read', '/dev/stdin', err);
    }
    if (n === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

function readSource(arg: string): { source: Buffer; file?: string } {
  if (arg === '-') return { source: readStdin() };
  const file = path.resolve(arg);
  try {
    return { source: fs.readFileSync(file), file };
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new K6Error(`The moduleSpecifier ${JSON.stringify(arg)} ${MODULE_NOT_FOUND}`);
    throw goPathError('open', file, err);
  }
}

function isTar(data: Buffer): boolean {
  return data.length >= 512 && data.subarray(257, 262).toString('latin1') === 'ustar';
}

export function loadTest(arg: string, typeFlag: string | undefined): LoadedTest {
  const { source, file } = readSource(arg);
  const archive = typeFlag === 'archive' || (typeFlag !== 'js' && isTar(source));
  let text: string;
  let blocks: ScriptCloudBlocks;
  if (archive) {
    const content = readArchive(source);
    text = content.script;
    // An archive's options were consolidated when it was made: they win over the script text.
    const fromScript = scriptCloudOptions(text);
    blocks = {
      ...fromScript,
      ...(content.cloud === undefined ? {} : { cloud: content.cloud }),
      ...(content.legacyCloud === undefined ? {} : { legacyCloud: content.legacyCloud }),
    };
  } else {
    text = source.toString('utf8');
    blocks = scriptCloudOptions(text);
  }
  const directives = parseDirectives(text);
  if (directives.throws) {
    const where = file === undefined ? 'file:///-' : `file://${file}`;
    throw new K6Error(`Error: standin: script exception\n\tat ${where}:1:1(2)`, ExitCode.ScriptException, {
      hint: 'script exception',
    });
  }
  return {
    arg,
    ...(file === undefined ? {} : { file }),
    source: text,
    isArchive: archive,
    directives,
    cloud: blocks.cloud ?? {},
    cloudPresent: blocks.cloud !== undefined,
    ...(blocks.legacyCloud === undefined ? {} : { legacyCloud: blocks.legacyCloud }),
  };
}

/** The test name the cloud sees: the script's base name, "k6 test" for stdin. */
export function testName(test: LoadedTest, configured: string | undefined): string {
  if (configured !== undefined && configured !== '') return configured;
  return test.file === undefined ? 'k6 test' : path.basename(test.file);
}
