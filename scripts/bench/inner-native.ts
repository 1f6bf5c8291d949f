// Entry point run INSIDE an image built on the native-k6 base (native-k6.ts), by the image's own
// Node, as the image's user and with the image's environment:
//   docker run ... -v scripts/bench:/bench:ro --entrypoint /usr/libexec/k6-persist/node IMAGE \
//     /bench/inner-native.ts ROUNDS
// Alternates `k6 version` (the launcher on PATH, its execve, the native k6) with Node's bare start
// and prints the series as JSON: the same pair as the docker-run measurement, without the ~300 ms
// of container start around each. `k6 run x.js` is the same start through the whole wrapper (its
// facts, decision and hand-over), which `version` no longer loads (src/boot/direct-start.ts).
import { alternate } from './measure.ts';

const rounds = Number(process.argv[2] ?? '40');
const series = alternate(
  [
    { label: 'k6 version', file: 'k6', args: ['version'] },
    { label: 'k6 run x.js', file: 'k6', args: ['run', 'x.js'] },
    { label: 'node -e 0', file: process.execPath, args: ['-e', '0'] },
  ],
  { rounds, warmup: 3 },
);
process.stdout.write(`${JSON.stringify(series)}\n`);
