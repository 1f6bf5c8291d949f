// Parser for /proc/<pid>/mountinfo (proc(5)). One line per mount:
//
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//   (1)(2) (3)  (4)   (5)      (6)        (7)  (8) (9)    (10)       (11)
//
// (1) mount id, (2) parent id, (3) major:minor, (4) root of the mount inside its filesystem,
// (5) mount point, (6) per-mount options, (7) zero or more optional fields (shared:N,
// master:N, propagate_from:N, unbindable), (8) the `-` separator, (9) filesystem type,
// (10) source, (11) superblock options. Fields are separated by single spaces; the kernel
// escapes spaces inside fields, so splitting on ' ' is exact.

import { decodeOctalEscapes, encodeOctalEscapes } from './escape.ts';

export interface MountEntry {
  mountId: number;
  parentId: number;
  major: number;
  minor: number;
  root: string;
  mountPoint: string;
  mountOptions: string[];
  optionalFields: string[];
  fsType: string;
  source: string;
  superOptions: string[];
}

/** Fields before the optional ones: ids, device, root, mount point, mount options. */
const FIXED_FIELDS = 6;
const DECIMAL = /^\d+$/;
const DEVICE = /^(\d+):(\d+)$/;

/** Every well-formed line, in file order (which keeps stacked mounts in mount order). Never throws. */
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = parseMountinfoLine(line);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** One line, or undefined when it is not a well-formed mountinfo line. */
export function parseMountinfoLine(rawLine: string): MountEntry | undefined {
  // The kernel never writes CR; tolerate it so fixtures saved with CRLF still parse.
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  const fields = line.split(' ');
  const separator = fields.indexOf('-', FIXED_FIELDS);
  if (separator < 0) return undefined;
  const [mountId, parentId, device, root, mountPoint, mountOptions] = fields;
  const [fsType, source, superOptions = ''] = fields.slice(separator + 1);
  const deviceMatch = DEVICE.exec(device ?? '');
  if (
    !isDecimal(mountId) || !isDecimal(parentId) || !deviceMatch ||
    !root || !mountPoint || !mountOptions || !fsType || source === undefined
  ) {
    return undefined;
  }
  return {
    mountId: Number(mountId),
    parentId: Number(parentId),
    major: Number(deviceMatch[1]),
    minor: Number(deviceMatch[2]),
    root: decodeOctalEscapes(root),
    mountPoint: decodeOctalEscapes(mountPoint),
    mountOptions: splitOptions(mountOptions),
    optionalFields: fields.slice(FIXED_FIELDS, separator).filter((field) => field !== '').map(decodeOctalEscapes),
    fsType: decodeOctalEscapes(fsType),
    source: decodeOctalEscapes(source),
    superOptions: splitOptions(superOptions),
  };
}

/** The line the kernel would write for entry; parseMountinfoLine(format(e)) deep-equals e. */
export function formatMountinfoLine(entry: MountEntry): string {
  const path = (value: string) => encodeOctalEscapes(value, ' \t\n');
  const options = (values: readonly string[]) => values.map((v) => encodeOctalEscapes(v, ' \t\n,')).join(',');
  return [
    entry.mountId,
    entry.parentId,
    `${entry.major}:${entry.minor}`,
    path(entry.root),
    path(entry.mountPoint),
    options(entry.mountOptions),
    ...entry.optionalFields.map(path),
    '-',
    path(entry.fsType),
    path(entry.source),
    options(entry.superOptions),
  ].join(' ');
}

function isDecimal(field: string | undefined): field is string {
  return field !== undefined && DECIMAL.test(field);
}

/** Items are split before decoding: an escaped comma (`\054`) belongs inside its item. */
function splitOptions(field: string): string[] {
  return field
    .split(',')
    .filter((item) => item !== '')
    .map(decodeOctalEscapes);
}
