/**
 * Which of many needles occur in a text, found in one pass over the text whatever their number
 * (Aho–Corasick with a dense transition table over the needles' own characters). A few needles are
 * looked for one by one with the engine's native substring search instead: it reads a character
 * about fifteen times faster than the automaton's loop, which wins until a set has
 * {@link NATIVE_SEARCH_MAX} needles.
 *
 * @see https://en.wikipedia.org/wiki/Aho%E2%80%93Corasick_algorithm
 */

/** Largest set searched needle by needle (measured on OTRF events: the automaton costs ~15 native searches per character). */
const NATIVE_SEARCH_MAX = 16;

/**
 * A compiled set of needles; ids are their indexes in the list given.
 *
 * @example new NeedleSet(['cmd', 'md.e']).scan('c:\\cmd.exe', (id) => hits.add(id)) // hits: 0, 1
 */
export class NeedleSet {
  /** The needles when few: searched one by one. */
  private readonly few: readonly string[] | undefined;
  private readonly asciiClass = new Uint16Array(128);
  private readonly otherClass = new Map<number, number>();
  private readonly classes: number;
  private readonly delta: Int32Array;
  private readonly outputs: (Int32Array | null)[];

  /** `nativeSearchMax`: largest set searched needle by needle (tests pass 0 to exercise the automaton). */
  constructor(needles: readonly string[], nativeSearchMax = NATIVE_SEARCH_MAX) {
    this.few = needles.length <= nativeSearchMax ? [...needles] : undefined;
    let classes = 1; // class 0: a character no needle has
    const classOf = (code: number): number => {
      if (code < 128) {
        if (this.asciiClass[code] === 0) this.asciiClass[code] = classes++;
        return this.asciiClass[code]!;
      }
      let cls = this.otherClass.get(code);
      if (cls === undefined) {
        cls = classes++;
        this.otherClass.set(code, cls);
      }
      return cls;
    };
    // The trie, with children as maps while building.
    const children: Map<number, number>[] = [new Map()];
    const ends: number[][] = [[]];
    needles.forEach((needle, id) => {
      let node = 0;
      for (let i = 0; i < needle.length; i++) {
        const cls = classOf(needle.charCodeAt(i));
        let next = children[node]!.get(cls);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          ends.push([]);
          children[node]!.set(cls, next);
        }
        node = next;
      }
      ends[node]!.push(id);
    });
    this.classes = classes;
    const delta = new Int32Array(children.length * classes);
    const fail = new Int32Array(children.length);
    const outputs: (Int32Array | null)[] = new Array<Int32Array | null>(children.length).fill(null);
    // Breadth-first: a node's failure link is final before its children are visited.
    const queue: number[] = [];
    for (const [cls, child] of children[0]!) {
      delta[cls] = child;
      queue.push(child);
    }
    outputs[0] = ends[0]!.length > 0 ? Int32Array.from(ends[0]!) : null;
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      const failOutputs = outputs[fail[node]!];
      const own = ends[node]!;
      outputs[node] = own.length === 0 ? failOutputs ?? null : Int32Array.from(failOutputs ? [...own, ...failOutputs] : own);
      for (let cls = 0; cls < classes; cls++) {
        const child = children[node]!.get(cls);
        if (child === undefined) {
          delta[node * classes + cls] = delta[fail[node]! * classes + cls]!;
        } else {
          fail[child] = delta[fail[node]! * classes + cls]!;
          delta[node * classes + cls] = child;
          queue.push(child);
        }
      }
    }
    // Entries become row offsets (state * classes), one's complement for a state with outputs: the
    // scan loop then needs no multiplication and no output lookup on most characters.
    for (let i = 0; i < delta.length; i++) {
      const next = delta[i]!;
      delta[i] = outputs[next] === null ? next * classes : ~(next * classes);
    }
    this.delta = delta;
    this.outputs = outputs;
  }

  /** Calls `found(id)` at least once for every needle that occurs in `text`, and for no other. */
  scan(text: string, found: (id: number) => void): void {
    const few = this.few;
    if (few !== undefined) {
      for (let id = 0; id < few.length; id++) if (text.includes(few[id]!)) found(id);
      return;
    }
    const { asciiClass, otherClass, classes, delta, outputs } = this;
    let row = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const next = delta[row + (code < 128 ? asciiClass[code]! : otherClass.get(code) ?? 0)]!;
      if (next >= 0) {
        row = next;
        continue;
      }
      row = ~next;
      const hits = outputs[row / classes]!;
      for (let k = 0; k < hits.length; k++) found(hits[k]!);
    }
  }
}
