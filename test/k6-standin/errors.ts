// k6's exit codes (errext/exitcodes) and the error type that carries one. Anything thrown
// without a code ends the process with 255, as Go's os.Exit(-1) does for k6.
export const ExitCode = {
  Success: 0,
  CloudTestRunFailed: 97,
  CloudFailedToGetProgress: 98,
  ThresholdsHaveFailed: 99,
  SetupTimeout: 100,
  TeardownTimeout: 101,
  GenericTimeout: 102,
  GenericEngine: 103,
  InvalidConfig: 104,
  ExternalAbort: 105,
  CannotStartRESTAPI: 106,
  ScriptException: 107,
  ScriptAborted: 108,
  GoPanic: 109,
  MarkedAsFailed: 110,
  NoCode: 255,
} as const;

export class K6Error extends Error {
  readonly exitCode: number;
  /** Extra logrus fields k6 prints next to the message, e.g. hint="script exception". */
  readonly fields: Readonly<Record<string, string>>;

  constructor(message: string, exitCode: number = ExitCode.NoCode, fields: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = 'K6Error';
    this.exitCode = exitCode;
    this.fields = fields;
  }
}

/** Same error, new exit code unless it already has one (errext.WithExitCodeIfNone). */
export function withExitCodeIfNone(err: unknown, code: number): K6Error {
  if (err instanceof K6Error) {
    return err.exitCode === ExitCode.NoCode ? new K6Error(err.message, code, err.fields) : err;
  }
  return new K6Error(err instanceof Error ? err.message : String(err), code);
}

/** Prefixes the message, keeping the code ("failed to ...: %w"). */
export function wrapError(prefix: string, err: unknown): K6Error {
  const inner = err instanceof Error ? err.message : String(err);
  const code = err instanceof K6Error ? err.exitCode : ExitCode.NoCode;
  const fields = err instanceof K6Error ? err.fields : {};
  return new K6Error(`${prefix}: ${inner}`, code, fields);
}

// Go prints syscall errors as "<op> <path>: <strerror>"; tests and wrappers match on these.
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EROFS: 'read-only file system',
  EEXIST: 'file exists',
  ENOSPC: 'no space left on device',
  EBUSY: 'device or resource busy',
  EXDEV: 'invalid cross-device link',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
  EDQUOT: 'disk quota exceeded',
};

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

export function goPathError(op: string, path: string, err: unknown): K6Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const text = (code && ERRNO_TEXT[code]) ?? (err instanceof Error ? err.message : String(err));
  return new K6Error(`${op} ${path}: ${text}`);
}
