import { describe, expect, it } from 'vitest';
import { fieldSelection } from './field-selection.ts';
import type { FieldsStage, Query } from './query-ast.ts';

const SPAN = { start: 0, end: 0 };

function fields(mode: 'keep' | 'drop', ...names: string[]): FieldsStage {
  return { kind: 'fields', mode, fields: names.map((name) => ({ name, span: SPAN })), span: SPAN };
}

function query(...stages: FieldsStage[]): Query {
  return { filter: undefined, stages, span: SPAN };
}

describe('fieldSelection', () => {
  it('keeps everything when the query has no fields stage', () => {
    expect(fieldSelection(query())).toEqual({ keep: undefined, drop: new Set() });
  });

  it('combines fields stages in order', () => {
    expect(fieldSelection(query(fields('keep', 'a', 'b', 'c'), fields('drop', 'b'))).keep).toEqual(['a', 'c']);
    expect(fieldSelection(query(fields('drop', 'a'), fields('keep', 'a', 'b'))).keep).toEqual(['b']);
    expect(fieldSelection(query(fields('keep', 'a', 'b'), fields('keep', 'b', 'c'))).keep).toEqual(['b']);
    expect([...fieldSelection(query(fields('drop', 'a'), fields('drop', 'b'))).drop]).toEqual(['a', 'b']);
  });

});
