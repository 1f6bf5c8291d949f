// renovate.json: its custom managers find every base image version the Dockerfile and the bake
// file hold, with the value that is there. A renamed ARG or variable, or a new base image, makes
// this fail instead of silently dropping out of the updates.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support.ts';

interface CustomManager {
  customType: string;
  managerFilePatterns: string[];
  matchStrings: string[];
  depNameTemplate?: string;
  datasourceTemplate?: string;
}
const config = JSON.parse(readFileSync(join(REPO, 'renovate.json'), 'utf8')) as { enabledManagers: string[]; customManagers: CustomManager[] };

const regexOf = (pattern: string) => {
  const m = /^\/(.*)\/([a-z]*)$/.exec(pattern);
  if (!m) throw new Error(`not a /regex/: ${pattern}`);
  return new RegExp(m[1]!, m[2]);
};

/** depName:currentValue for every match of every custom manager in a file's text. */
function found(file: string, text: string): string[] {
  const out: string[] = [];
  for (const manager of config.customManagers) {
    if (!manager.managerFilePatterns.some((p) => regexOf(p).test(file))) continue;
    for (const source of manager.matchStrings) {
      for (const m of text.matchAll(new RegExp(source, 'g'))) {
        out.push(`${m.groups?.['depName'] ?? manager.depNameTemplate}:${m.groups?.['currentValue']}`);
      }
    }
  }
  return out.sort();
}

const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
const bake = readFileSync(join(REPO, 'docker-bake.hcl'), 'utf8');

/** What the files hold, read without Renovate's patterns. */
const argImages = [...dockerfile.matchAll(/^ARG (\w+_IMAGE)=(\S+)$/gm)].map((m) => m[2]!);
const bakeVariable = (name: string) => new RegExp(`variable "${name}" \\{\\s*default\\s*=\\s*"([^"]*)"`).exec(bake)?.[1];

describe('renovate.json', () => {
  it('updates npm, GitHub Actions and the custom (regex) managers, all with the docker datasource', () => {
    expect(config.enabledManagers).toEqual(expect.arrayContaining(['npm', 'github-actions', 'custom.regex']));
    for (const m of config.customManagers) expect(m).toMatchObject({ customType: 'regex', datasourceTemplate: 'docker' });
  });

  it("finds each image of the Dockerfile's ARG defaults, with its tag", () => {
    expect(argImages).toEqual(['grafana/k6:2.2.0', 'node:24-alpine'].map((i) => expect.stringMatching(new RegExp(`^${i.split(':')[0]}:`))));
    expect(found('Dockerfile', dockerfile)).toEqual([...argImages].sort());
  });

  it("finds the bake file's k6 and Node versions, with their values", () => {
    const expected = [`grafana/k6:${bakeVariable('K6_VERSION')}`, `grafana/k6:${bakeVariable('LATEST_K6')}`, `node:${bakeVariable('NODE_VERSION')}`];
    expect(expected.every((e) => !e.endsWith(':undefined'))).toBe(true);
    expect(found('docker-bake.hcl', bake)).toEqual(expected.sort());
  });

  it('misses a renamed argument (the check can fail)', () => {
    expect(found('Dockerfile', dockerfile.replace('ARG K6_IMAGE=', 'ARG K6_BASE_IMAGE='))).toHaveLength(argImages.length - 1);
  });
});
