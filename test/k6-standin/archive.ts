// A minimal ustar reader/writer for `k6 archive` output and for running an archive. The
// layout follows k6's (metadata.json, data, scripts/file/<path>) so operator-style flows
// (archive in an init container, inspect, run the .tar) work against the stand-in.
import { K6Error } from './errors.ts';
import type { ScriptCloudOptions } from './script.ts';

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  let prefix = '';
  let short = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    short = name.slice(cut + 1);
  }
  block.write(short, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  block.write(octal(size, 12), 124, 'latin1');
  block.write(octal(mtime, 12), 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write('0', 156, 'latin1');
  block.write('ustar\0' + '00', 257, 'latin1');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

export function writeArchive(files: ReadonlyArray<{ name: string; content: string }>): Buffer {
  const mtime = Math.floor(Date.now() / 1000);
  const parts: Buffer[] = [];
  for (const { name, content } of files) {
    const data = Buffer.from(content, 'utf8');
    parts.push(header(name, data.length, mtime), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

function entries(tar: Buffer): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  let offset = 0;
  // Each header is at least one block, so this loop ends within tar.length / 512 rounds.
  while (offset + BLOCK <= tar.length) {
    const block = tar.subarray(offset, offset + BLOCK);
    if (block.every((b) => b === 0)) break;
    const cstr = (start: number, length: number): string =>
      block.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const prefix = cstr(345, 155);
    const name = prefix === '' ? cstr(0, 100) : `${prefix}/${cstr(0, 100)}`;
    const size = Number.parseInt(cstr(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new K6Error('archive: invalid tar header');
    found.set(name, tar.subarray(offset + BLOCK, offset + BLOCK + size));
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return found;
}

export interface ArchiveContent {
  readonly script: string;
  readonly options: Record<string, unknown>;
  /** options.cloud, when the archive has it. */
  readonly cloud?: ScriptCloudOptions;
  /** options.ext.loadimpact, when the archive has it. */
  readonly legacyCloud?: ScriptCloudOptions;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function cloudBlock(raw: unknown): ScriptCloudOptions | undefined {
  if (!isRecord(raw)) return undefined;
  const cloud: ScriptCloudOptions = {};
  if (typeof raw['token'] === 'string') cloud.token = raw['token'];
  if (typeof raw['projectID'] === 'number') cloud.projectId = raw['projectID'];
  if (typeof raw['name'] === 'string') cloud.name = raw['name'];
  if (typeof raw['stackID'] === 'number') cloud.stackId = raw['stackID'];
  return cloud;
}

export function readArchive(tar: Buffer): ArchiveContent {
  const files = entries(tar);
  const metadata = files.get('metadata.json');
  const data = files.get('data');
  if (metadata === undefined || data === undefined) throw new K6Error('archive: metadata.json or data is missing');
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata.toString('utf8'));
  } catch {
    throw new K6Error('archive: metadata.json is not valid JSON');
  }
  const options = isRecord(parsed) && isRecord(parsed['options']) ? parsed['options'] : {};
  const cloud = cloudBlock(options['cloud']);
  const legacyCloud = cloudBlock(isRecord(options['ext']) ? options['ext']['loadimpact'] : undefined);
  return {
    script: data.toString('utf8'),
    options,
    ...(cloud === undefined ? {} : { cloud }),
    ...(legacyCloud === undefined ? {} : { legacyCloud }),
  };
}
