// Entry point run INSIDE an image built on the native-k6 base (native-k6.ts), by the image's own
// Node, as the image's user and with the image's environment:
//   docker run ... -v scripts/bench:/bench:ro --entrypoint /usr/libexec/k6-persist/node IMAGE \
//     /bench/inner-native.ts ROUNDS
// Alternates `k6 version` (the wrapper on PATH, its execve, the native k6) with Node's bare start
// and prints the two series as JSON: the same pair as the docker-run measurement, without the
// ~300 ms of container start around each.
import { alternate } from './measure.ts';

const rounds = Number(process.argv[2] ?? '40');
const series = alternate(
  [
    { label: 'k6 version', file: 'k6', args: ['version'] },
    { label: 'node -e 0', file: process.execPath, args: ['-e', '0'] },
  ],
  { rounds, warmup: 3 },
);
process.stdout.write(`${JSON.stringify(series)}\n`);
