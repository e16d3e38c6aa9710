import { describe, expect, it } from 'vitest';
import { highlightSegments, keywordValues, matchedFieldNames, whyBySelection } from './match-highlight.ts';

const FIELDS = {
  'winlog.event_data.CommandLine': 'powershell -enc SQBFAFgA',
  'process.command_line': 'powershell -enc SQBFAFgA',
  'winlog.event_id': 4688,
  'event.code': '4688',
  'process.executable': 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'host.name': 'ws-1',
  tags: ['a', 'b'],
};

describe('matched field highlighting', () => {
  it('marks the event fields named like the Sigma field that hold the matched value', () => {
    const why = { selections: ['selection'], fields: [{ selection: 'selection', field: 'CommandLine', value: 'powershell -enc SQBFAFgA' }] };
    // process.command_line holds the same value but is not named CommandLine: the named field is the match.
    expect([...matchedFieldNames(FIELDS, why)]).toEqual(['winlog.event_data.CommandLine']);
  });

  it('falls back to fields holding the value when the mapping renamed the field, ignoring case', () => {
    const why = { selections: ['sel'], fields: [{ selection: 'sel', field: 'Image', value: 'c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe' }] };
    expect([...matchedFieldNames(FIELDS, why)]).toEqual(['process.executable']);
  });

  it('matches numbers by their text and elements of lists; keywords and no why mark nothing', () => {
    expect([...matchedFieldNames(FIELDS, { selections: ['s'], fields: [{ selection: 's', field: 'EventID', value: '4688' }] })].sort())
      .toEqual(['event.code', 'winlog.event_id']);
    expect([...matchedFieldNames(FIELDS, { selections: ['s'], fields: [{ selection: 's', field: 'tags', value: 'b' }] })]).toEqual(['tags']);
    expect(matchedFieldNames(FIELDS, { selections: ['k'], fields: [{ selection: 'k', field: null, value: 'ws-1' }] }).size).toBe(0);
    expect(matchedFieldNames(FIELDS, undefined).size).toBe(0);
  });

  it('groups why by selection in order, keeping selections without values', () => {
    const why = {
      selections: ['selection_img', 'selection_cli', 'filter_none'],
      fields: [
        { selection: 'selection_cli', field: 'CommandLine', value: '-enc' },
        { selection: 'selection_img', field: 'Image', value: 'powershell.exe' },
        { selection: 'selection_cli', field: 'CommandLine', value: '-e ' },
      ],
    };
    expect(whyBySelection(why)).toEqual([
      { selection: 'selection_img', fields: [{ field: 'Image', value: 'powershell.exe' }] },
      { selection: 'selection_cli', fields: [{ field: 'CommandLine', value: '-enc' }, { field: 'CommandLine', value: '-e ' }] },
      { selection: 'filter_none', fields: [] },
    ]);
    expect(keywordValues({ selections: ['k'], fields: [{ selection: 'k', field: null, value: 'mimikatz' }, { selection: 'k', field: 'a', value: 'b' }] })).toEqual(['mimikatz']);
  });

  it('cuts text into marked and plain pieces, ignoring case, merging overlaps', () => {
    expect(highlightSegments('run Mimikatz now, mimikatz!', ['mimikatz'])).toEqual([
      { text: 'run ', hit: false }, { text: 'Mimikatz', hit: true }, { text: ' now, ', hit: false }, { text: 'mimikatz', hit: true }, { text: '!', hit: false },
    ]);
    expect(highlightSegments('abcdef', ['bcd', 'cde'])).toEqual([{ text: 'a', hit: false }, { text: 'bcde', hit: true }, { text: 'f', hit: false }]);
    expect(highlightSegments('abc', [''])).toEqual([{ text: 'abc', hit: false }]);
    expect(highlightSegments('', ['x'])).toEqual([]);
    expect(highlightSegments('x'.repeat(10_000), ['x'], 5).filter((s) => s.hit)).toHaveLength(1);
    expect(highlightSegments('a a a a a', ['a'], 2).filter((s) => s.hit)).toHaveLength(2);
  });
});
