// Volumes and host directories as a user's `-v` would name them.
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getContainerRuntimeClient } from 'testcontainers';
import fse from 'fs-extra';

export async function createVolume(prefix = 'k6p-e2e'): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  const client = await getContainerRuntimeClient();
  await client.container.dockerode.createVolume({ Name: name });
  return name;
}

export async function removeVolume(name: string): Promise<void> {
  const client = await getContainerRuntimeClient();
  await client.container.dockerode.getVolume(name).remove({ force: true });
}

/** A host directory owned by `uid:gid`, like a user's project folder bind-mounted into k6. */
export function hostDir(uid: number, gid: number, mode = 0o755): string {
  const dir = mkdtempSync(join(tmpdir(), 'k6p-host-'));
  chownSync(dir, uid, gid);
  chmodSync(dir, mode);
  return dir;
}

export function removeHostDir(dir: string): void {
  fse.removeSync(dir);
}
