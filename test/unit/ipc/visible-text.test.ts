// Free text is shown with its hidden characters made visible: a name cannot reverse, hide or
// recolour what follows it on screen.
import { describe, expect, it } from 'vitest';
import { visibleText } from '../../../src-main/ipc/contract.ts';

describe('visibleText', () => {
  it.each([
    ['invoice\u202Egpj.exe', 'invoice\\u202Egpj.exe'],
    ['\u001b[31mred', '␛[31mred'],
    ['a\nb\tc\u0000', 'a␊b␉c␀'],
    ['del\u007f', 'del␡'],
    ['c1\u0085\u009b', 'c1\\u0085\\u009B'],
    ['iso\u2066late\u2069', 'iso\\u2066late\\u2069'],
    ['marks\u200e\u200f\u061c', 'marks\\u200E\\u200F\\u061C'],
    ['embed\u202a\u202b\u202c\u202d', 'embed\\u202A\\u202B\\u202C\\u202D'],
  ])('%j is shown as %s', (text, shown) => {
    expect(visibleText(text)).toBe(shown);
  });

  it('leaves ordinary text, including other scripts and emoji, alone', () => {
    const text = 'Treasury — ünïcödé 日本語 עברית 🚀 "quoted" \\u202E';
    expect(visibleText(text)).toBe(text);
  });
});
