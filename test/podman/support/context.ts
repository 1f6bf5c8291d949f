// What the global set-up (global-setup.ts) hands to the Podman and Compose tests.
import { inject } from 'vitest';

export interface RootlessUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  /** The first host uid of the user's /etc/subuid range: container uid n (n >= 1) is this + n - 1. */
  readonly subuidStart: number;
}

export interface PodmanContext {
  /** The image under test (test/e2e/support/containers.ts, imageFor). */
  readonly image: string;
  /** The containers.conf of scripts/podman.sh, named by CONTAINERS_CONF in every podman call. */
  readonly containersConf: string;
  readonly rootless: RootlessUser;
  /** The trixie chroot with Podman 5.4 (scripts/podman-kube.sh), mounted. */
  readonly kubeRoot: string;
  /** Docker Compose v2 (scripts/compose.sh). */
  readonly compose: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    podman: PodmanContext;
  }
}

export const podmanContext = (): PodmanContext => inject('podman');
