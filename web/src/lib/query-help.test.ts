import { describe, expect, it } from 'vitest';
import { FILTER_HELP, PIPE_HELP } from './query-help.ts';
import { checkQuery } from './search-query.ts';

describe('syntax help', () => {
  it('gives only examples the language parses', () => {
    for (const { example } of [...FILTER_HELP, ...PIPE_HELP]) expect(checkQuery(example), example).toHaveProperty('query');
  });

  it('shows every pipeline command of the language', () => {
    const shown = PIPE_HELP.map((h) => h.example).join(' ');
    for (const command of ['where', 'fields', 'sort', 'head', 'stats', 'timechart', 'top']) expect(shown).toContain(`| ${command} `);
  });
});
