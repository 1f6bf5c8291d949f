// Commands that never read the config file: a broken config volume must not break them, and the
// launcher may start k6 for them without the wrapper (src/boot/direct-start.ts).
export const CONFIG_FREE_COMMANDS: ReadonlySet<string> = new Set(['version', 'help', 'completion', 'new']);
