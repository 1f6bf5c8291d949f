// Placeholder entrypoint: hands the process straight to the real k6. Replaced by the planner.
const k6 = process.env['K6_PERSIST_K6_BIN'] ?? '/usr/libexec/k6-persist/k6';
process.execve!(k6, [k6, ...process.argv.slice(2)], process.env as Record<string, string>);
