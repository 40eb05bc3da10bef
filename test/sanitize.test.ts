/** The escaper every rendered byte passes: control codes and bidi overrides made visible, HTML made text. */
import { describe, expect, it } from 'vitest';
import { codeFence, codeSpan, escapeHtml, forJson, forTerminal, oneLine } from '../src/util/sanitize.js';

const HOSTILE = 'a\x1b]0;pwned\x07b\x1b[2Jc\bd\re\u009bf\u202eg\u2066h\x7fi';

describe('sanitize', () => {
  it('forTerminal: C0, DEL, C1 and bidi controls become visible escapes; LF and TAB stay; backslashes stay', () => {
    const out = forTerminal(`${HOSTILE}\n\tDOMAIN\\user`);
    expect(out).toBe('a\\x1b]0;pwned\\x07b\\x1b[2Jc\\x08d\\x0de\\x9bf\\u202eg\\u2066h\\x7fi\n\tDOMAIN\\user');
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('oneLine: line ends and tabs made visible too', () => {
    expect(oneLine('x\ny\tz\u2028')).toBe('x\\x0ay\\x09z\\u2028');
  });

  it('forJson: the same characters as JSON escapes, so the document still parses to the same data', () => {
    const value = { name: HOSTILE, list: ['\u202e', '\u0085'] };
    const text = forJson(JSON.stringify(value));
    expect(text).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('escapeHtml: no tag, entity or attribute survives', () => {
    expect(escapeHtml('<img src=x onerror="alert(1)"> &amp;')).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp;amp;');
  });

  it('codeSpan and codeFence: a backtick in the text cannot end them', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x')).toBe('`` `x ``');
    expect(codeFence(['rm ```', 'x'])).toBe('````');
    expect(codeFence(['plain'])).toBe('```');
  });
});
