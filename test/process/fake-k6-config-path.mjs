// The config file the k6 doubles of the process tests were pointed at: -c/--config in its
// spellings, else K6_CONFIG (k6's own order; the faithful stand-in follows cobra more closely).
export function configPath(argv, env) {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--') break; // everything after it is arguments, never flags
    if (arg === '-c' || arg === '--config') return argv[i + 1];
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
    if (arg.startsWith('-c') && arg.length > 2) return arg.slice(2);
  }
  return env.K6_CONFIG;
}
