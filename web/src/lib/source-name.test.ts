import { describe, expect, it } from 'vitest';
import { validateSourceName } from './source-name.ts';

describe('validateSourceName', () => {
  it('accepts names the server accepts', () => {
    for (const ok of ['web-proxy', 'fw01', 'k8s.prod_logs', 'A']) expect(validateSourceName(ok, [])).toBeNull();
    expect(validateSourceName('  padded  ', [])).toBeNull();
  });

  it('explains problems', () => {
    expect(validateSourceName('', [])).toMatch(/name/);
    expect(validateSourceName('edge proxy', [])).toMatch(/space/);
    expect(validateSourceName('-x', [])).toMatch(/start/);
    expect(validateSourceName('x'.repeat(65), [])).toMatch(/too long/);
    expect(validateSourceName('dup', ['dup'])).toMatch(/already exists/);
    expect(validateSourceName('a<b>', [])).toMatch(/cannot contain/);
  });
});
