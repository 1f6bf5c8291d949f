// Entry point run INSIDE the image under test, by the image's own Node:
//   docker run ... -v scripts/bench:/bench:ro --entrypoint /usr/libexec/k6-persist/node IMAGE \
//     /bench/inner.ts '<WrapperCostSpec as JSON>'
// Prints a WrapperCostResult as JSON on stdout. Only node: built-ins and sibling files.
import { measureWrapperCost, type WrapperCostSpec } from './wrapper-cost.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as WrapperCostSpec;
process.stdout.write(`${JSON.stringify(measureWrapperCost(spec))}\n`);
