// Wording that must stay true to what happened: an error about reading must not talk about
// writing, and a failed directory is not called a file.
import { describe, expect, it } from 'vitest';
import { cloudSection, parseConfigText } from '../../../src/config/document.ts';
import { messages } from '../../../src/report/messages.ts';

const uid = process.getuid?.() ?? 0;

describe('messages', () => {
  it.each(['EACCES', 'EPERM'])('a config the user may not read (%s, same owner) is explained as reading, with the fix', (code) => {
    const text = messages.unreadableConfig('/config/config.json', code, uid);
    expect(text).toMatch(/cannot be read/);
    expect(text).toMatch(/may not read it/);
    expect(text).not.toMatch(/write/);
    expect(text).toContain('--user');
  });

  it('a config owned by another uid names that uid and both ways out', () => {
    const text = messages.unreadableConfig('/config/config.json', 'EACCES', uid + 1);
    expect(text).toContain(`belongs to uid ${uid + 1}`);
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
});
