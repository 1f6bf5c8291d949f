// Removes what `strip` would from a 64-bit little-endian ELF executable (x86-64, aarch64): the
// debug sections and the static symbol table, none of which the program needs to run.
//
//   node scripts/strip-elf.ts FILE [FILE ...]       (each file is rewritten in place)
//
// Why not binutils' `strip`: the Dockerfile must strip the Node binary of the TARGET platform
// in a build that has no network beyond the npm registry and no binutils (node:*-alpine has
// none, apk may be unreachable, and a foreign-architecture binary needs a multi-target strip).
// This runs on the build platform's Node and reads the file as data, so one build step serves
// linux/amd64 and linux/arm64 alike.
//
// What it does, and why it cannot break the program: only sections WITHOUT the SHF_ALLOC flag
// are touched, and the loader never maps those (the program headers say what is mapped, and
// they are kept byte for byte). The file is kept up to the end of everything a segment or an
// allocated section covers; the removed sections' headers stay in place as all-zero entries
// (SHT_NULL: unused), so no section index changes (sh_link, sh_info and section indices of
// symbols stay valid, and `file` calls the result stripped); the other
// non-allocated sections (.shstrtab, .comment, ...) are appended after it, and the section
// header table last. A file that is not a 64-bit little-endian ELF is left as it is, with a
// message: stripping saves space but is never needed.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const SHF_ALLOC = 0x2n;
const SHT_NULL = 0;
const SHT_NOBITS = 8;

export interface SectionHeader {
  index: number;
  name: string;
  type: number;
  flags: bigint;
  offset: number;
  size: number;
  align: number;
}

export interface ElfLayout {
  sections: SectionHeader[];
  /** End of the part of the file the loader and the program use. */
  loadedEnd: number;
}

/** The removed sections: debug info in every spelling, and the static symbol table. */
export function removable(section: SectionHeader): boolean {
  if ((section.flags & SHF_ALLOC) !== 0n || section.size === 0 || section.type === SHT_NULL) return false;
  return /^\.(z?debug|gnu\.debug|stab)/.test(section.name) || section.name === '.symtab' || section.name === '.strtab';
}

/** Why the buffer cannot be handled, or undefined for a 64-bit little-endian ELF. */
export function unsupported(buf: Buffer): string | undefined {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) return 'not an ELF file';
  if (buf[4] !== 2) return 'not a 64-bit ELF file';
  if (buf[5] !== 1) return 'not a little-endian ELF file';
  return undefined;
}

export function readLayout(buf: Buffer): ElfLayout {
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const shstrndx = buf.readUInt16LE(0x3e);
  if (shoff === 0 || shnum === 0) throw new Error('no section header table');
  if (shoff + shnum * shentsize > buf.length) throw new Error('the section header table lies outside the file');

  const raw = [];
  for (let i = 0; i < shnum; i += 1) {
    const at = shoff + i * shentsize;
    raw.push({
      index: i,
      nameOffset: buf.readUInt32LE(at),
      type: buf.readUInt32LE(at + 4),
      flags: buf.readBigUInt64LE(at + 8),
      offset: Number(buf.readBigUInt64LE(at + 0x18)),
      size: Number(buf.readBigUInt64LE(at + 0x20)),
      align: Number(buf.readBigUInt64LE(at + 0x30)),
    });
  }
  const names = raw[shstrndx];
  if (names === undefined) throw new Error('no section name table');
  const nameAt = (offset: number) => {
    const start = names.offset + offset;
    const end = buf.indexOf(0, start);
    return buf.toString('latin1', start, end < 0 ? start : end);
  };
  const sections = raw.map(({ nameOffset, ...s }) => ({ ...s, name: nameAt(nameOffset) }));

  // Everything a segment maps or an allocated section holds, and the headers themselves.
  let loadedEnd = Math.max(64, phoff + phnum * phentsize);
  for (let i = 0; i < phnum; i += 1) {
    const at = phoff + i * phentsize;
    loadedEnd = Math.max(loadedEnd, Number(buf.readBigUInt64LE(at + 8)) + Number(buf.readBigUInt64LE(at + 0x20)));
  }
  for (const s of sections) {
    if ((s.flags & SHF_ALLOC) !== 0n && s.type !== SHT_NOBITS) loadedEnd = Math.max(loadedEnd, s.offset + s.size);
  }
  return { sections, loadedEnd };
}

const alignUp = (n: number, align: number) => (align > 1 ? Math.ceil(n / align) * align : n);

/** The stripped file, or undefined when there is nothing to remove. */
export function strip(buf: Buffer): { output: Buffer; removed: SectionHeader[] } | undefined {
  const { sections, loadedEnd } = readLayout(buf);
  const removed = sections.filter(removable);
  if (removed.length === 0) return undefined;
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);

  const parts: Buffer[] = [buf.subarray(0, loadedEnd)];
  let length = loadedEnd;
  const newOffset = new Map<number, number>();
  // Kept sections after the loaded part, in file order, each at its alignment.
  const tail = sections
    .filter((s) => s.index !== 0 && s.type !== SHT_NOBITS && s.offset >= loadedEnd && !removable(s))
    .sort((a, b) => a.offset - b.offset);
  for (const s of tail) {
    const at = alignUp(length, s.align);
    if (at > length) parts.push(Buffer.alloc(at - length));
    parts.push(buf.subarray(s.offset, s.offset + s.size));
    newOffset.set(s.index, at);
    length = at + s.size;
  }
  const cleared = new Set(removed.map((s) => s.index));
  const tableAt = alignUp(length, 8);
  if (tableAt > length) parts.push(Buffer.alloc(tableAt - length));
  const table = Buffer.from(buf.subarray(shoff, shoff + sections.length * shentsize));
  for (const s of sections) {
    const at = s.index * shentsize;
    const offset = newOffset.get(s.index);
    if (offset !== undefined) table.writeBigUInt64LE(BigInt(offset), at + 0x18);
    if (cleared.has(s.index)) table.fill(0, at, at + shentsize);
  }
  parts.push(table);
  const output = Buffer.concat(parts);
  output.writeBigUInt64LE(BigInt(tableAt), 0x28);
  return { output, removed };
}

function stripFile(file: string): void {
  const buf = readFileSync(file);
  const problem = unsupported(buf);
  if (problem !== undefined) {
    process.stderr.write(`strip-elf: ${file}: left as it is (${problem})\n`);
    return;
  }
  const result = strip(buf);
  if (result === undefined) {
    process.stderr.write(`strip-elf: ${file}: nothing to remove\n`);
    return;
  }
  const mode = statSync(file).mode & 0o7777;
  writeFileSync(`${file}.strip-elf`, result.output, { mode });
  renameSync(`${file}.strip-elf`, file);
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  process.stderr.write(`strip-elf: ${file}: ${mb(buf.length)} -> ${mb(result.output.length)} (${result.removed.map((s) => s.name).join(' ')})\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: node scripts/strip-elf.ts FILE [FILE ...]\n');
    process.exit(2);
  }
  for (const file of files) stripFile(file);
}
