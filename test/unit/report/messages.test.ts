// Wording that must stay true to what happened: an error about reading must not talk about
// writing, and a failed directory is not called a file.
import { describe, expect, it } from 'vitest';
import { cloudSection, parseConfigText } from '../../../src/config/document.ts';
import { messages } from '../../../src/report/messages.ts';
import type { Situation } from '../../../src/report/advice.ts';

const uid = 12345;
const situation = (file: { uid: number; gid: number; mode: number }): Situation => ({
  path: '/config/config.json', source: 'mount', uid, gid: uid, groups: [], runtime: 'docker', file, dirWritable: true,
});

describe('messages', () => {
  it.each(['EACCES', 'EPERM'])('a config the user may not read (%s, same owner) is explained as reading, with the fix', (code) => {
    const text = messages.unreadableConfig('/config/config.json', code, situation({ uid, gid: uid, mode: 0o200 }));
    expect(text).toMatch(/cannot be read/);
    expect(text).toMatch(/may not read it/);
    expect(text).not.toMatch(/write/);
    expect(text).toContain('chmod u+r');
  });

  it('a config owned by another uid names that uid and both ways out', () => {
    const text = messages.unreadableConfig('/config/config.json', 'EACCES', situation({ uid: uid + 1, gid: uid + 1, mode: 0o600 }));
    expect(text).toContain(`belongs to uid ${uid + 1}`);
    expect(text).toContain(`--user ${uid + 1}:${uid + 1}`);
    expect(text).toMatch(/delete the file and log in again/);
  });

  it('a save that failed before the file changed says so; one that stopped part way says the file may be incomplete', () => {
    expect(messages.writeFailed('/config/config.json', 'ENOSPC')).toMatch(/The previous file, if any, is unchanged\.$/);
    const partial = messages.writeFailed('/config/config.json', 'EIO', true);
    expect(partial).toMatch(/may now be incomplete.*log in again/);
    expect(partial).not.toMatch(/unchanged/);
  });

  it('the login line shows a stack id kept as its digits (a number beyond what JavaScript holds)', () => {
    const parsed = parseConfigText('{"collectors":{"cloud":{"stackID":9007199254740993}}}');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const stack = cloudSection(parsed.config)['stackID'];
    const line = messages.loginSaved({ path: '/config/config.json', source: 'mount' }, { token: 'tok_****cdef', stack });
    expect(line).toMatch(/stack 9007199254740993\.$/);
  });

  it('a directory that cannot be made is called a directory, a file a file', () => {
    expect(messages.prepareFailed('directory', '/config/k6', 'EACCES')).toMatch(/^error: could not create the directory \/config\/k6 for the k6 config file \(EACCES\)/);
    expect(messages.prepareFailed('file', '/config/config.json', 'ENOSPC')).toMatch(/^error: could not create the k6 config file \/config\/config\.json \(ENOSPC\): the volume is full/);
  });

  it('a login that changed nothing still says where the login lives, and that it is unchanged', () => {
    const place = { path: '/config/config.json', source: 'mount' as const };
    expect(messages.loginUnchanged(place, { token: 'tok_****cdef', stack: 4242 })).toBe(
      "k6 Cloud login unchanged in /config/config.json, in the container's own file system: token tok_****cdef, stack 4242.",
    );
    expect(messages.loginUnchanged(place, {})).toMatch(/^no k6 Cloud login in \/config\/config\.json.*\(unchanged\)\.$/);
  });

  it('a lock timeout after k6 ran says that k6\'s success was about its private copy and nothing was saved', () => {
    const text = messages.lockTimeout('/config/.config.json.k6-persist.lock', '/config/config.json');
    expect(text).toContain('"Logged in successfully" above refers to the private working copy');
    expect(text).toContain('nothing was saved to /config/config.json');
  });

  it('a token left in a file others may read names the mode, the owner and the chmod', () => {
    const text = messages.tokenReadableByOthers('/config/config.json', 0o100666, 1000);
    expect(text).toMatch(/^warning: .*mode 0666 lets other users read it; it belongs to uid 1000/);
    expect(text).toContain('`chmod 600`');
  });
});
