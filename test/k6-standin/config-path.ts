// Where k6 looks for config.json. Mirrors Go's os.UserConfigDir() plus k6's own rules:
//   $XDG_CONFIG_HOME (must be absolute) -> else $HOME/.config -> else the relative ".config"
//   (k6 logs nothing about it, audit D14), each joined with k6/config.json.
// `-c/--config` beats K6_CONFIG, which beats the default. K6_CONFIG counts when it is set at
// all, even empty, as k6 reads it with a plain map lookup.
// A missing file is only ignored when the chosen path *equals* the default path string: k6
// compares the strings, so `-c` spelling out the default path behaves like the default.
import path from 'node:path';

export type ConfigSource = 'flag' | 'env' | 'default';

export interface ConfigLocation {
  /** The file this invocation reads and writes (relative paths resolve against the cwd). */
  readonly path: string;
  readonly source: ConfigSource;
  readonly defaultPath: string;
  /** Pre-v0.58 location, only consulted by versions with the legacy fallback. */
  readonly legacyPath: string;
  /** Set when Go's os.UserConfigDir() failed and ".config" is used instead (k6 says nothing). */
  readonly configDirError?: string;
}

export function userConfigDir(env: NodeJS.ProcessEnv): { dir: string; error?: string } {
  const xdg = env['XDG_CONFIG_HOME'] ?? '';
  if (xdg !== '') {
    if (!path.isAbsolute(xdg)) return { dir: '.config', error: 'path in $XDG_CONFIG_HOME is relative' };
    return { dir: xdg };
  }
  const home = env['HOME'] ?? '';
  if (home === '') {
    return { dir: '.config', error: 'neither $XDG_CONFIG_HOME nor $HOME are defined' };
  }
  return { dir: `${home}/.config` };
}

export function resolveConfigLocation(
  env: NodeJS.ProcessEnv,
  flagValue: string | undefined,
): ConfigLocation {
  const { dir, error } = userConfigDir(env);
  const defaultPath = path.join(dir, 'k6', 'config.json');
  const legacyPath = path.join(dir, 'loadimpact', 'k6', 'config.json');
  const base = { defaultPath, legacyPath, ...(error === undefined ? {} : { configDirError: error }) };
  if (flagValue !== undefined) return { ...base, path: flagValue, source: 'flag' };
  const fromEnv = env['K6_CONFIG'];
  if (fromEnv !== undefined) return { ...base, path: fromEnv, source: 'env' };
  return { ...base, path: defaultPath, source: 'default' };
}

export function isDefaultPath(location: ConfigLocation): boolean {
  return location.path === location.defaultPath;
}
