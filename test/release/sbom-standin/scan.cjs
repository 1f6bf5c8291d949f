#!/usr/bin/env node
// A stand-in for BuildKit's SBOM scanner (docker/buildkit-syft-scanner), which cannot be pulled
// on machines without a container registry. It follows BuildKit's SBOM generator protocol
// (BuildKit's "SBOM Scanning Protocol" document): it scans the root file system at
// BUILDKIT_SCAN_SOURCE and each one under BUILDKIT_SCAN_SOURCE_EXTRAS, and writes one in-toto
// statement with an SPDX 2.3 document per file system to BUILDKIT_SCAN_DESTINATION. The
// document lists every regular file with its SHA-256 (no package detection: that is syft's
// job), which is enough for the release tests to check that each platform's SBOM describes that
// platform's image. Releases built where registries are reachable use the real scanner.
'use strict';
const { createHash, randomUUID } = require('node:crypto');
const { lstatSync, readdirSync, readFileSync, writeFileSync, existsSync } = require('node:fs');
const { basename, join } = require('node:path');

function filesOf(root) {
  const files = [];
  const walk = (dir, rel) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path, `${rel}/${name}`);
      else if (stat.isFile()) files.push({ name: `.${rel}/${name}`, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') });
    }
  };
  walk(root, '');
  return files;
}

function statement(name, root) {
  const files = filesOf(root);
  return {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://spdx.dev/Document',
    subject: [],
    predicate: {
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name,
      documentNamespace: `https://k6-persist.invalid/sbom-standin/${name}-${randomUUID()}`,
      creationInfo: { created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), creators: ['Tool: k6-persist-sbom-standin'] },
      files: files.map((file, i) => ({
        fileName: file.name,
        SPDXID: `SPDXRef-File-${i}`,
        checksums: [{ algorithm: 'SHA256', checksumValue: file.sha256 }],
      })),
    },
  };
}

const destination = process.env.BUILDKIT_SCAN_DESTINATION;
const source = process.env.BUILDKIT_SCAN_SOURCE;
if (!destination || !source) {
  console.error('sbom-standin: BUILDKIT_SCAN_DESTINATION and BUILDKIT_SCAN_SOURCE must be set (BuildKit sets them)');
  process.exit(2);
}
const targets = [source];
const extras = process.env.BUILDKIT_SCAN_SOURCE_EXTRAS;
if (extras && existsSync(extras)) for (const name of readdirSync(extras).sort()) targets.push(join(extras, name));
for (const target of targets) {
  const name = basename(target);
  writeFileSync(join(destination, `${name}.spdx.json`), JSON.stringify(statement(name, target)));
}
