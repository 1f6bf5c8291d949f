// The one way the wrapper names what went wrong with a file: the errno code (ENOENT, EACCES,
// ...) of a Node error, or the code of its own errors (ConfigWriteError, LockTimeoutError).
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}
