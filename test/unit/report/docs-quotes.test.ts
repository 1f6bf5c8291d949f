// Error texts the docs quote are the ones the wrapper prints: a reader who compares them with
// what they see must find the same words.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyMount } from '../../../src/mounts/classify.ts';
import { parseMountinfoLine } from '../../../src/mounts/mountinfo.ts';
import { messages } from '../../../src/report/messages.ts';

const doc = readFileSync(new URL('../../../docs/kubernetes.md', import.meta.url), 'utf8');

/** The first fenced block after `marker`, its lines joined as the terminal would wrap them back. */
function quotedAfter(marker: string): string {
  const at = doc.indexOf(marker);
  expect(at, `"${marker}" in docs/kubernetes.md`).toBeGreaterThanOrEqual(0);
  const block = /```\n([\s\S]*?)```/.exec(doc.slice(at));
  expect(block).not.toBeNull();
  return block![1]!.trim().split('\n').join(' ');
}

describe('docs/kubernetes.md', () => {
  it('quotes the refusal of a login into a Secret word for word', () => {
    const entry = parseMountinfoLine('9 1 0:50 /var/lib/kubelet/pods/p/volumes/kubernetes.io~secret/k6-cloud-config /config ro,relatime - tmpfs tmpfs rw');
    const printed = messages.loginIntoReadOnly({
      path: '/config/config.json', source: 'mount', mount: classifyMount(entry!), uid: 12345, gid: 12345, groups: [], runtime: 'kubernetes',
    });
    expect(quotedAfter('so a `cloud login` against this volume is refused')).toBe(`k6-persist: ${printed}`);
  });
});
