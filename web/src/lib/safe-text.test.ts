import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { truncate, valueText, visibleText } from './safe-text.ts';

describe('visibleText', () => {
  it('shows bidi overrides, zero-width and control characters as escapes', () => {
    expect(visibleText('invoice\u202Etxt.exe')).toBe('invoice\\u202etxt.exe');
    expect(visibleText('a\u0000b\u001bc\u200bd')).toBe('a\\x00b\\x1bc\\u200bd');
    expect(visibleText('line1\r\nline2\ttab')).toBe('line1\\r\\nline2\\ttab');
  });

  it('keeps newlines and tabs when asked', () => {
    expect(visibleText('a\nb\tc\rd', true)).toBe('a\nb\tc\\rd');
  });

  it('leaves ordinary text, including markup, untouched', () => {
    expect(visibleText('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
    expect(visibleText('Ünïcødé 日本語 🙂')).toBe('Ünïcødé 日本語 🙂');
  });

  it('never leaves a suspicious character behind', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
      const out = visibleText(s);
      for (let i = 0; i < out.length; i++) {
        const c = out.charCodeAt(i);
        expect(c < 0x20 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)).toBe(false);
      }
    }));
  });
});

describe('truncate and valueText', () => {
  it('cuts long text with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });

  it('renders non-string values as JSON', () => {
    expect(valueText('x')).toBe('x');
    expect(valueText(12)).toBe('12');
    expect(valueText(['a', 1])).toBe('["a",1]');
    expect(valueText(null)).toBe('null');
    expect(valueText(undefined)).toBe('');
  });
});
