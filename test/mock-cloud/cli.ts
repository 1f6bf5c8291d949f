// Runs the mock k6 Cloud for demos and manual checks:
//   node test/mock-cloud/cli.ts --port 0 --token T --stack slug=ID:PROJECT --login email:password:token
// First stdout line: the base URL (use it for K6_CLOUD_HOST and K6_CLOUD_HOST_V6). Then one
// JSON line per request received. SIGINT/SIGTERM close the server and exit 0.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { type MockLogin, type MockStack, startMockCloud } from './server.ts';

function parseStack(spec: string): [string, MockStack] {
  const match = /^([^=]+)=(\d+):(\d+)$/.exec(spec);
  if (match === null) throw new Error(`--stack must look like slug=STACK_ID:DEFAULT_PROJECT_ID, got ${JSON.stringify(spec)}`);
  return [match[1] ?? '', { stackId: Number(match[2]), defaultProjectId: Number(match[3]) }];
}

function parseLogin(spec: string): MockLogin {
  const first = spec.indexOf(':');
  const last = spec.lastIndexOf(':');
  if (first <= 0 || last === first || last === spec.length - 1) {
    throw new Error(`--login must look like email:password:token, got ${JSON.stringify(spec)}`);
  }
  return { email: spec.slice(0, first), password: spec.slice(first + 1, last), token: spec.slice(last + 1) };
}

const argv = await yargs(hideBin(process.argv))
  .scriptName('mock-cloud')
  .usage('$0 [options]: a local mock of the k6 Cloud API on 127.0.0.1')
  .option('port', { type: 'number', default: 0, describe: 'port on 127.0.0.1 (0 picks a free one)' })
  .option('token', { type: 'string', array: true, default: [] as string[], describe: 'a valid API token (repeatable)' })
  .option('stack', { type: 'string', array: true, default: [] as string[], describe: 'slug=STACK_ID:DEFAULT_PROJECT_ID (repeatable)' })
  .option('login', { type: 'string', array: true, default: [] as string[], describe: 'email:password:token (repeatable)' })
  .option('reference-id', { type: 'string', default: '1', describe: 'reference_id answered by POST /v1/tests' })
  .strict()
  .help()
  .parse();

const cloud = await startMockCloud({
  port: argv.port,
  tokens: argv.token,
  stacks: Object.fromEntries(argv.stack.map(parseStack)),
  logins: argv.login.map(parseLogin),
  referenceId: argv['reference-id'],
  onRequest: (request) => process.stdout.write(`${JSON.stringify(request)}\n`),
});
process.stdout.write(`${cloud.url}\n`);

const stop = (): void => {
  void cloud.close().finally(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
