// Runs the mock k6 Cloud for demos and manual checks:
//   node test/mock-cloud/cli.ts --port 0 --token T --stack slug=ID:PROJECT --login email:password:token
//     [--run-result passed|failed|error] [--test-run-details URL] [--fault 'POST /v1/tests=503x2']
// First stdout line: the base URL (use it for K6_CLOUD_HOST and K6_CLOUD_HOST_V6). Then one
// JSON line per request answered. SIGINT/SIGTERM close the server and exit 0.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { type MockFault, type MockLogin, type MockStack, type RunResult, startMockCloud } from './server.ts';

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

function parseFault(spec: string): MockFault {
  const match = /^(.+)=(\d{3})x(\d+)(?::(json|text|reset))?$/.exec(spec);
  if (match === null) throw new Error(`--fault must look like 'METHOD /path=STATUSxTIMES[:json|text|reset]', got ${JSON.stringify(spec)}`);
  const reply = (match[4] ?? 'json') as 'json' | 'text' | 'reset';
  return { match: match[1] ?? '', status: Number(match[2]), times: Number(match[3]), reply };
}

const argv = await yargs(hideBin(process.argv))
  .scriptName('mock-cloud')
  .usage('$0 [options]: a local mock of the k6 Cloud API on 127.0.0.1')
  .option('port', { type: 'number', default: 0, describe: 'port on 127.0.0.1 (0 picks a free one)' })
  .option('token', { type: 'string', array: true, default: [] as string[], describe: 'a valid API token (repeatable)' })
  .option('stack', { type: 'string', array: true, default: [] as string[], describe: 'slug=STACK_ID:DEFAULT_PROJECT_ID (repeatable)' })
  .option('login', { type: 'string', array: true, default: [] as string[], describe: 'email:password:token (repeatable)' })
  .option('reference-id', { type: 'string', describe: 'reference_id of every v1 run (default: 1, 2, ...)' })
  .option('run-result', { choices: ['passed', 'failed', 'error'] as const, describe: 'how every cloud run ends (default: as its script says)' })
  .option('test-run-details', { type: 'string', describe: 'testRunDetails URL the v1 API sends back ({ref} is replaced)' })
  .option('fault', { type: 'string', array: true, default: [] as string[], describe: "'METHOD /path=STATUSxTIMES[:json|text|reset]' (repeatable)" })
  .strict()
  .help()
  .parse();

const cloud = await startMockCloud({
  port: argv.port,
  tokens: argv.token,
  stacks: Object.fromEntries(argv.stack.map(parseStack)),
  logins: argv.login.map(parseLogin),
  ...(argv['reference-id'] === undefined ? {} : { referenceId: argv['reference-id'] }),
  ...(argv['run-result'] === undefined ? {} : { runResult: argv['run-result'] as RunResult }),
  ...(argv['test-run-details'] === undefined ? {} : { testRunDetails: argv['test-run-details'] }),
  faults: argv.fault.map(parseFault),
  onRequest: (request) => process.stdout.write(`${JSON.stringify(request)}\n`),
});
process.stdout.write(`${cloud.url}\n`);

const stop = (): void => {
  void cloud.close().finally(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
