// The settings' defaults, apart from their validation (env.ts, which needs zod): the launcher
// reads them on every start and must not load zod to do so.
export const DEFAULT_K6_BIN = '/usr/bin/k6';
export const DEFAULT_MOUNTINFO = '/proc/self/mountinfo';
