// Handing the whole process over to k6, so k6 runs as the container's main process exactly as
// in grafana/k6: it receives signals directly and its exit code is the container's.

type Execve = (file: string, args: string[], env: Record<string, string>) => never;

export function execveAvailable(): boolean {
  return typeof (process as { execve?: unknown }).execve === 'function';
}

export function handOver(file: string, argv0: string, args: readonly string[], env: NodeJS.ProcessEnv): never {
  const execve = (process as unknown as { execve: Execve }).execve;
  const cleanEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) cleanEnv[key] = value;
  return execve(file, [argv0, ...args], cleanEnv);
}
