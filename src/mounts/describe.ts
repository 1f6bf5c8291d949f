// A mount in words, the same everywhere a user reads about it: messages, `k6-persist status`,
// and the reason a location was chosen.
import type { ClassifiedMount } from './classify.ts';

export function describeMount(mount: ClassifiedMount): string {
  switch (mount.kind) {
    case 'named-volume':
      return `the named volume "${mount.volumeName ?? '?'}"`;
    case 'anonymous-volume':
      return 'an anonymous volume';
    case 'bind':
      return `a bind mount at ${mount.mountPoint}`;
    case 'tmpfs':
      return `a tmpfs at ${mount.mountPoint}`;
    case 'kubernetes-secret':
      return `a Kubernetes Secret volume at ${mount.mountPoint}`;
    case 'kubernetes-configmap':
      return `a Kubernetes ConfigMap volume at ${mount.mountPoint}`;
    case 'kubernetes-empty-dir':
      return `a Kubernetes emptyDir at ${mount.mountPoint}`;
    case 'kubernetes-volume':
      return `a Kubernetes volume at ${mount.mountPoint}`;
    default:
      return `a mount at ${mount.mountPoint}`;
  }
}
