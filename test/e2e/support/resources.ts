// Volumes and host directories a test creates, removed again after it (afterEach), so a failed
// test leaves nothing behind for the next one to trip over.
import { createVolume, hostDir, removeHostDir, removeVolume } from './volumes.ts';

export class Resources {
  private volumes: string[] = [];
  private dirs: string[] = [];

  async volume(prefix = 'k6p-e2e'): Promise<string> {
    const name = await createVolume(prefix);
    this.volumes.push(name);
    return name;
  }

  dir(uid: number, gid: number, mode = 0o755): string {
    const dir = hostDir(uid, gid, mode);
    this.dirs.push(dir);
    return dir;
  }

  /** Registers a directory made elsewhere (e.g. scriptsDir) for removal. */
  track(dir: string): string {
    this.dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    const volumes = this.volumes.splice(0);
    const dirs = this.dirs.splice(0);
    const failures: unknown[] = [];
    for (const name of volumes) {
      try {
        await removeVolume(name);
      } catch (error) {
        // Already gone is fine; anything else (still in use) is worth knowing about.
        if (!/no such volume/i.test(String(error))) failures.push(error);
      }
    }
    for (const dir of dirs) removeHostDir(dir);
    if (failures.length > 0) throw new AggregateError(failures, 'e2e cleanup failed');
  }
}
