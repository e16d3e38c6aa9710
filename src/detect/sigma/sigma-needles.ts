/**
 * Which of many needles occur in a text, found in one pass over the text whatever their number
 * (Aho–Corasick with a dense transition table over the needles' own characters).
 *
 * @see https://en.wikipedia.org/wiki/Aho%E2%80%93Corasick_algorithm
 */

/**
 * A compiled set of needles; ids are their indexes in the list given.
 *
 * @example new NeedleSet(['cmd', 'md.e']).scan('c:\\cmd.exe', (id) => hits.add(id)) // hits: 0, 1
 */
export class NeedleSet {
  private readonly asciiClass = new Uint16Array(128);
  private readonly otherClass = new Map<number, number>();
  private readonly classes: number;
  private readonly delta: Int32Array;
  private readonly outputs: (Int32Array | null)[];

  constructor(needles: readonly string[]) {
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
    this.delta = delta;
    this.outputs = outputs;
  }

  /** Calls `found(id)` for every occurrence of every needle in `text`. */
  scan(text: string, found: (id: number) => void): void {
    const { asciiClass, otherClass, classes, delta, outputs } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const cls = code < 128 ? asciiClass[code]! : otherClass.get(code) ?? 0;
      state = delta[state * classes + cls]!;
      const hits = outputs[state];
      if (hits) for (let k = 0; k < hits.length; k++) found(hits[k]!);
    }
  }
}
