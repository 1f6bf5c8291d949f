// What the config writer, the lock and the reader do when the file system fails them part way:
// a full disk, an I/O error, a rename refused, a file that reads back different. Each failure is
// injected into one call of node:fs (everything else is the real file system), and each test
// checks what a user would find afterwards: the old file intact or marked changed, no temp file,
// no lock left, no file descriptor left open, and the error naming the step and the errno.
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

interface Failure {
  fn: string;
  /** Decides on the path the call is about (for fd calls, the path the fd was opened with) and its arguments. */
  when: (path: string, args: unknown[]) => boolean;
  code: string;
  message?: string;
}

const state = vi.hoisted(() => ({
  failures: [] as Failure[],
  open: new Map<number, string>(),
  calls: [] as string[],
  /** Bytes to let through in the next matching write before failing the one after. */
  partialWrite: undefined as undefined | { path: string; bytes: number },
  tamper: undefined as undefined | { path: string; content: string },
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const pathOf = (first: unknown): string => (typeof first === 'number' ? (state.open.get(first) ?? `fd:${first}`) : String(first));
  const injected = (fn: string, args: unknown[]) => {
    const index = state.failures.findIndex((f) => f.fn === fn && f.when(pathOf(args[0]), args));
    if (index < 0) return;
    const [failure] = state.failures.splice(index, 1);
    throw Object.assign(new Error(failure!.message ?? `${failure!.code}: injected failure, ${fn}`), { code: failure!.code });
  };
  const wrap =
    <F extends (...args: never[]) => unknown>(fn: string, real: F) =>
    (...args: Parameters<F>): ReturnType<F> => {
      injected(fn, args);
      state.calls.push(`${fn} ${basename(pathOf(args[0]))}`);
      return real(...args) as ReturnType<F>;
    };
  return {
    ...fs,
    openSync: (...args: Parameters<typeof fs.openSync>) => {
      injected('openSync', args);
      const fd = fs.openSync(...args);
      state.open.set(fd, String(args[0]));
      return fd;
    },
    closeSync: (fd: number) => {
      state.open.delete(fd);
      return fs.closeSync(fd);
    },
    writeSync: (...args: unknown[]) => {
      injected('writeSync', args);
      const partial = state.partialWrite;
      if (partial && pathOf(args[0]) === partial.path && typeof args[1] !== 'string') {
        state.partialWrite = undefined;
        const [fd, buffer, offset, , position] = args as [number, Buffer, number, number, number];
        return fs.writeSync(fd, buffer, offset, partial.bytes, position);
      }
      return (fs.writeSync as (...a: unknown[]) => number)(...args);
    },
    readFileSync: (...args: Parameters<typeof fs.readFileSync>) => {
      injected('readFileSync', args);
      if (state.tamper && String(args[0]) === state.tamper.path) return Buffer.from(state.tamper.content);
      return fs.readFileSync(...args);
    },
    fsyncSync: wrap('fsyncSync', fs.fsyncSync),
    renameSync: wrap('renameSync', fs.renameSync),
    fchmodSync: wrap('fchmodSync', fs.fchmodSync),
    ftruncateSync: wrap('ftruncateSync', fs.ftruncateSync),
    readSync: wrap('readSync', fs.readSync),
    fstatSync: wrap('fstatSync', fs.fstatSync),
  };
});

const { ConfigWriteError, createEmptyConfig, replaceFile, rewriteEmptyKeepingOwner } = await import('../../../src/config/atomic-write.ts');
const { lockPathFor, withConfigLock } = await import('../../../src/config/lock.ts');
const { readConfigFile } = await import('../../../src/config/read.ts');

const root = mkdtempSync(join(tmpdir(), 'k6p-fs-failures-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dir: string;
let config: string;
beforeEach(() => {
  dir = mkdtempSync(join(root, 'case-'));
  config = join(dir, 'config.json');
  state.failures.length = 0;
  state.calls.length = 0;
  state.open.clear();
  state.partialWrite = undefined;
  state.tamper = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  // Every descriptor the code under test opened is closed again, whatever failed.
  expect([...state.open.values()]).toEqual([]);
});

const isTemp = (path: string) => basename(path).includes('.k6-persist-') && path.endsWith('.tmp');
const fail = (fn: string, code: string, when: Failure['when'] = () => true, message?: string) =>
  state.failures.push({ fn, when, code, ...(message === undefined ? {} : { message }) });

function thrown(action: () => unknown): InstanceType<typeof ConfigWriteError> {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigWriteError) return error;
    throw error;
  }
  throw new Error('expected a ConfigWriteError');
}

describe('ConfigWriteError', () => {
  it('names the step, the path, the code and the detail', () => {
    const error = new ConfigWriteError('/c/config.json', 'sync', 'EIO', 'i/o error');
    expect(error).toMatchObject({ name: 'ConfigWriteError', message: 'sync /c/config.json: EIO i/o error', path: '/c/config.json', step: 'sync', code: 'EIO', fileChanged: false });
    expect(new ConfigWriteError('/c', 'verify', 'EMISMATCH', '', true)).toMatchObject({ message: 'verify /c: EMISMATCH', fileChanged: true });
  });
});

describe('replaceFile when a step fails', () => {
  it.each<[string, string, string, Failure['when']]>([
    ['writeSync', 'ENOSPC', 'write', (path) => isTemp(path)],
    ['fchmodSync', 'EPERM', 'write', (path) => isTemp(path)],
    ['fsyncSync', 'EIO', 'sync', (path) => isTemp(path)],
    ['renameSync', 'EXDEV', 'rename', () => true],
    ['openSync', 'EACCES', 'create-temp', (path) => isTemp(path)],
  ])('%s %s: a ConfigWriteError for the %s step, the old file as it was, no temp file left', (fn, code, step, when) => {
    writeFileSync(config, '{"old":1}\n');
    fail(fn, code, when);
    const error = thrown(() => replaceFile(config, '{"new":1}\n'));
    expect(error).toMatchObject({ step, code, path: config, fileChanged: false });
    expect(error.message).toBe(`${step} ${config}: ${code} injected failure, ${fn}`);
    expect(readFileSync(config, 'utf8')).toBe('{"old":1}\n');
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('keeps an error text that does not start with its code whole', () => {
    writeFileSync(config, '{}');
    fail('fsyncSync', 'EIO', (path) => isTemp(path), 'the disk says EIO: bad block');
    expect(thrown(() => replaceFile(config, '{"a":1}')).message).toBe(`sync ${config}: EIO the disk says EIO: bad block`);
  });

  it('rewrites in place where rename answers EBUSY (a single mounted file), with the temp file gone first', () => {
    writeFileSync(config, '{"old":"longer old content"}\n');
    fail('renameSync', 'EBUSY');
    const seen: string[][] = [];
    const outcome = replaceFile(config, '{"new":1}\n', { onStep: (step) => seen.push([step, ...readdirSync(dir)]) });
    expect(outcome).toEqual({ method: 'in-place', path: config });
    expect(readFileSync(config, 'utf8')).toBe('{"new":1}\n');
    expect(seen.find(([step]) => step === 'in-place')).toEqual(['in-place', 'config.json']);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('refuses a file that reads back different, saying the file changed', () => {
    writeFileSync(config, '{}');
    state.tamper = { path: config, content: '{"someone":"else"}' };
    const error = thrown(() => replaceFile(config, '{"a":1}\n'));
    expect(error).toMatchObject({ step: 'verify', code: 'EMISMATCH', fileChanged: true });
    expect(error.message).toBe(`verify ${config}: EMISMATCH the file read back differs from what was written`);
  });

  it('reports a file it cannot read back', () => {
    writeFileSync(config, '{}');
    fail('readFileSync', 'EIO', (path) => path === config);
    expect(thrown(() => replaceFile(config, '{"a":1}\n'))).toMatchObject({ step: 'verify', code: 'EIO' });
  });

  it('refuses a path under something that is not a directory at the resolve step', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(thrown(() => replaceFile(join(dir, 'file', 'config.json'), '{}'))).toMatchObject({ step: 'resolve', code: 'ENOTDIR' });
  });
});

describe('an in-place rewrite (a single mounted file)', () => {
  it('claims the space a longer file needs first: a full disk then leaves the old content and length', () => {
    writeFileSync(config, '{"old":1}\n');
    const old = statSync(config).size;
    state.partialWrite = { path: config, bytes: 1 };
    fail('writeSync', 'ENOSPC', (path, args) => path === config && (args[4] as number) > old);
    const error = thrown(() => replaceFile(config, '{"new":"a much longer content than before"}\n', { inPlace: true }));
    expect(error).toMatchObject({ step: 'in-place', code: 'ENOSPC', fileChanged: false });
    expect(readFileSync(config, 'utf8')).toBe('{"old":1}\n');
  });

  it('says the file changed when the rewrite itself fails', () => {
    writeFileSync(config, '{"old":"longer old content"}\n');
    fail('fsyncSync', 'EIO', (path) => path === config);
    expect(thrown(() => replaceFile(config, '{"new":1}\n', { inPlace: true }))).toMatchObject({ step: 'in-place', code: 'EIO', fileChanged: true });
  });

  it('fsyncs once when nothing past the old end is needed', () => {
    for (const content of ['{"same":1}\n', '{}\n']) {
      writeFileSync(config, '{"same":2}\n');
      state.calls.length = 0;
      replaceFile(config, content, { inPlace: true });
      expect(state.calls.filter((call) => call.startsWith('fsyncSync'))).toEqual(['fsyncSync config.json']);
      expect(readFileSync(config, 'utf8')).toBe(content);
    }
  });

  it('makes the file 0600, a credential\'s', () => {
    writeFileSync(config, '{"old":1}\n', { mode: 0o644 });
    chmodSync(config, 0o644);
    replaceFile(config, '{"new":1}\n', { inPlace: true });
    expect(statSync(config).mode & 0o777).toBe(0o600);
  });

  it('refuses a file that reads back different', () => {
    writeFileSync(config, '{}');
    state.tamper = { path: config, content: 'other' };
    expect(thrown(() => replaceFile(config, '{"a":1}\n', { inPlace: true }))).toMatchObject({ step: 'verify', code: 'EMISMATCH' });
  });
});

describe('rewriteEmptyKeepingOwner', () => {
  it('replaces the file when this uid owns it, rewrites in place when it does not', () => {
    writeFileSync(config, '');
    chownSync(config, 4321, 4321);
    vi.spyOn(process, 'getuid').mockReturnValue(4321);
    expect(rewriteEmptyKeepingOwner(config, '{}\n', { inPlace: false }).method).toBe('rename');
    writeFileSync(config, '');
    vi.spyOn(process, 'getuid').mockReturnValue(4322);
    expect(rewriteEmptyKeepingOwner(config, '{}\n', { inPlace: false }).method).toBe('in-place');
    expect(readFileSync(config, 'utf8')).toBe('{}\n');
    expect(statSync(config).uid).toBe(4321);
  });

  it('refuses a file that reads back different', () => {
    writeFileSync(config, '');
    state.tamper = { path: config, content: 'other' };
    expect(thrown(() => rewriteEmptyKeepingOwner(config, '{}\n', { inPlace: true }))).toMatchObject({ step: 'verify', code: 'EMISMATCH' });
  });
});

describe('createEmptyConfig', () => {
  it('sets mode 0600 on what it creates, whatever the umask made of it', () => {
    createEmptyConfig(config);
    expect(state.calls).toContain('fchmodSync config.json');
    expect(statSync(config).mode & 0o777).toBe(0o600);
  });

  it('fails at the write step on a full disk', () => {
    fail('writeSync', 'ENOSPC', (path) => path === config);
    expect(thrown(() => createEmptyConfig(config))).toMatchObject({ step: 'write', code: 'ENOSPC', path: config });
  });
});

describe('the lock', () => {
  it('that cannot be written (a full volume) is not left behind, and the error goes up', () => {
    const lock = lockPathFor(config);
    fail('writeSync', 'ENOSPC', (path) => path === lock);
    let ran = false;
    expect(() => withConfigLock(config, () => (ran = true))).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    expect(ran).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each(['EACCES', 'EPERM', 'EROFS'])('that cannot be created (%s) is done without, as such a file cannot be replaced atomically anyway', (code) => {
    const lock = lockPathFor(config);
    fail('openSync', code, (path) => path === lock);
    expect(withConfigLock(config, () => 'body ran')).toBe('body ran');
  });

  it('that cannot be created for another reason is an error', () => {
    const lock = lockPathFor(config);
    fail('openSync', 'ENOSPC', (path) => path === lock);
    expect(() => withConfigLock(config, () => 'body ran')).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
  });
});

describe('readConfigFile', () => {
  it.each(['readSync', 'fstatSync'])('says unreadable with the code when %s fails', (fn) => {
    writeFileSync(config, '{}');
    fail(fn, 'EIO', (path) => path === config);
    expect(readConfigFile(config)).toStrictEqual({ kind: 'unreadable', code: 'EIO' });
  });
});
