/**
 * Windows binary XML (BinXML) as found in EVTX chunks, read into a small tree and rendered straight to
 * the nested JSON that evtx_dump prints (`Event.System…`, `Event.EventData.<Name>`, `#attributes`,
 * `#text`), which the Windows normalizer reads.
 *
 * Why not @ts-evtx/core's BinXML nodes: they render only XML text (typed values would have to be
 * parsed back out of it), return embedded BinXML substitutions as raw bytes, read SYSTEMTIME in local
 * time, cut FILETIME to milliseconds, and build debug strings for every node even with logging off.
 * Template definitions are parsed once per chunk here and every record only fills in its values.
 *
 * @see https://github.com/libyal/libevtx/blob/main/documentation/Windows%20XML%20Event%20Log%20(EVTX).asciidoc
 */
import { EvtxError, type ByteReader } from './evtx-bytes.ts';
import { decodeValue, VALUE_BINXML, VALUE_NULL, type EvtxValue } from './evtx-values.ts';

const T_END_OF_STREAM = 0x00;
const T_OPEN_START_ELEMENT = 0x01;
const T_CLOSE_START_ELEMENT = 0x02;
const T_CLOSE_EMPTY_ELEMENT = 0x03;
const T_END_ELEMENT = 0x04;
const T_VALUE = 0x05;
const T_ATTRIBUTE = 0x06;
const T_CDATA = 0x07;
const T_CHAR_REF = 0x08;
const T_ENTITY_REF = 0x09;
const T_PI_TARGET = 0x0a;
const T_PI_DATA = 0x0b;
const T_TEMPLATE_INSTANCE = 0x0c;
const T_NORMAL_SUBSTITUTION = 0x0d;
const T_OPTIONAL_SUBSTITUTION = 0x0e;
const T_FRAGMENT_HEADER = 0x0f;
/** Flag on OpenStartElement: an attribute list follows. (0x40 on Value/Attribute: "more follow", ignorable.) */
const HAS_MORE = 0x40;

/** Elements nested in elements, templates in substitutions: real events stay far below this. */
const MAX_DEPTH = 48;

interface TextPart { kind: 'text'; text: string }
interface SubPart { kind: 'sub'; index: number; optional: boolean }
interface ElementPart { kind: 'element'; name: string; attrs: AttrPart[]; content: Part[] }
interface InstancePart { kind: 'instance'; template: Part[]; values: SubValue[] }
interface AttrPart { name: string; parts: Part[] }
type Part = TextPart | SubPart | ElementPart | InstancePart;

/** A substitution that carries nothing: NULL type or zero size (an optional substitution then drops its attribute). */
const ABSENT = Symbol('absent');
/** A substitution holding BinXML: its parts render as child elements. */
class Fragment {
  readonly parts: Part[];
  constructor(parts: Part[]) {
    this.parts = parts;
  }
}
type SubValue = EvtxValue | Fragment | typeof ABSENT;

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** One chunk's names and template definitions, parsed once and shared by its records. */
export class ChunkBinXml {
  readonly #r: ByteReader;
  readonly #names = new Map<number, string>();
  readonly #templates = new Map<number, Part[]>();

  /** `r` reads the whole 64 KiB chunk: BinXML offsets are relative to the chunk start. */
  constructor(r: ByteReader) {
    this.#r = r;
  }

  /**
   * Reads one record's BinXML (`start` to `end`, chunk offsets) and renders it as `{ Event: … }`.
   * @throws {EvtxError} when the record's BinXML is damaged.
   */
  renderRecord(start: number, end: number): Record<string, EvtxValue> {
    const r = this.#r;
    r.pos = start;
    const parts = this.#fragment(end, 0, false);
    const content = new Content();
    collect(parts, [], content, 0);
    const event = content.children();
    if (event === undefined) throw new EvtxError('record holds no XML element');
    return event;
  }

  /** Top-level tokens of a record or embedded fragment, up to EndOfStream or `end`. */
  #fragment(end: number, depth: number, inTemplate: boolean): Part[] {
    if (depth > MAX_DEPTH) throw new EvtxError('BinXML nested too deeply');
    const r = this.#r;
    const parts: Part[] = [];
    while (r.pos < end) {
      const token = r.u8();
      switch (token & 0x0f) {
        case T_END_OF_STREAM:
          return parts;
        case T_FRAGMENT_HEADER:
          r.skip(3); // major, minor version, flags
          break;
        case T_OPEN_START_ELEMENT:
          parts.push(this.#element(token, depth + 1, inTemplate));
          break;
        case T_TEMPLATE_INSTANCE:
          if (inTemplate) throw new EvtxError('template instance inside a template definition');
          parts.push(this.#instance(end, depth + 1));
          // A template instance is the whole fragment: its substitution values end it.
          return parts;
        default:
          throw new EvtxError(`unexpected BinXML token 0x${token.toString(16)} at chunk offset ${r.pos - 1}`);
      }
    }
    return parts;
  }

  #instance(end: number, depth: number): InstancePart {
    const r = this.#r;
    r.skip(1); // unknown, always 1
    r.skip(4); // template id (the definition's GUID starts with it)
    const defOffset = r.u32();
    const template = this.#templates.get(defOffset) ?? this.#template(defOffset, depth);
    // The definition follows inline where the chunk first uses it: read past it.
    if (defOffset === r.pos) r.skip(24 + r.u32At(defOffset + 20));
    return { kind: 'instance', template, values: this.#substitutions(end, depth) };
  }

  /** Parses (and caches) the template definition at chunk offset `at`, keeping the reader where it was. */
  #template(at: number, depth: number): Part[] {
    const r = this.#r;
    const saved = r.pos;
    const size = r.u32At(at + 20);
    const start = at + 24;
    r.need(start, size);
    r.pos = start;
    const parts = this.#fragment(start + size, depth, true);
    this.#templates.set(at, parts);
    r.pos = saved;
    return parts;
  }

  #substitutions(end: number, depth: number): SubValue[] {
    const r = this.#r;
    const count = r.u32();
    if (count * 4 > end - r.pos) throw new EvtxError(`substitution count ${count} does not fit in the record`);
    const sizes: number[] = [];
    const types: number[] = [];
    for (let i = 0; i < count; i++) {
      sizes.push(r.u16());
      types.push(r.u8());
      r.skip(1);
    }
    const values: SubValue[] = [];
    for (let i = 0; i < count; i++) {
      const size = sizes[i] as number;
      const type = types[i] as number;
      const at = r.pos;
      if (at + size > end) throw new EvtxError(`substitution ${i} runs past the end of the record`);
      if (type === VALUE_NULL || size === 0) values.push(type === VALUE_NULL ? ABSENT : emptyOf(type));
      else if (type === VALUE_BINXML) {
        values.push(new Fragment(this.#fragment(at + size, depth + 1, false)));
      } else values.push(decodeValue(r, at, size, type));
      r.pos = at + size;
    }
    return values;
  }

  #element(token: number, depth: number, inTemplate: boolean): ElementPart {
    if (depth > MAX_DEPTH) throw new EvtxError('XML elements nested too deeply');
    const r = this.#r;
    r.skip(2); // dependency identifier
    r.skip(4); // data size
    const name = this.#name();
    if (token & HAS_MORE) r.skip(4); // attribute list size
    const attrs: AttrPart[] = [];
    for (;;) {
      const t = r.u8();
      const kind = t & 0x0f;
      if (kind === T_ATTRIBUTE) {
        attrs.push({ name: this.#name(), parts: this.#attrValue(inTemplate) });
      } else if (kind === T_CLOSE_EMPTY_ELEMENT) {
        return { kind: 'element', name, attrs, content: [] };
      } else if (kind === T_CLOSE_START_ELEMENT) {
        break;
      } else {
        throw new EvtxError(`unexpected BinXML token 0x${t.toString(16)} in the start tag of <${name}>`);
      }
    }
    const content: Part[] = [];
    for (;;) {
      const t = r.u8();
      const kind = t & 0x0f;
      if (kind === T_END_ELEMENT) return { kind: 'element', name, attrs, content };
      if (kind === T_OPEN_START_ELEMENT) content.push(this.#element(t, depth + 1, inTemplate));
      else content.push(this.#textToken(t, inTemplate, name));
    }
  }

  /** An attribute's value: text, references and substitutions until the next attribute or the end of the tag. */
  #attrValue(inTemplate: boolean): Part[] {
    const r = this.#r;
    const parts: Part[] = [];
    for (;;) {
      const kind = r.bytes[r.pos] !== undefined ? (r.bytes[r.pos] as number) & 0x0f : -1;
      if (kind !== T_VALUE && kind !== T_CHAR_REF && kind !== T_ENTITY_REF && kind !== T_CDATA &&
        kind !== T_NORMAL_SUBSTITUTION && kind !== T_OPTIONAL_SUBSTITUTION) return parts;
      parts.push(this.#textToken(r.u8(), inTemplate, 'attribute'));
    }
  }

  #textToken(t: number, inTemplate: boolean, where: string): TextPart | SubPart {
    const r = this.#r;
    switch (t & 0x0f) {
      case T_VALUE: {
        const type = r.u8();
        if (type !== 0x01 && type !== 0x02) throw new EvtxError(`value token of type 0x${type.toString(16)} in <${where}>`);
        const n = r.u16();
        const at = r.pos;
        const bytes = type === 0x01 ? n * 2 : n;
        r.skip(bytes);
        return { kind: 'text', text: String(decodeValue(r, at, bytes, type)) };
      }
      case T_CDATA: {
        const n = r.u16();
        const text = r.utf16At(r.pos, n);
        r.skip(n * 2);
        return { kind: 'text', text };
      }
      case T_CHAR_REF:
        return { kind: 'text', text: String.fromCharCode(r.u16()) };
      case T_ENTITY_REF: {
        const name = this.#name();
        return { kind: 'text', text: ENTITIES[name] ?? `&${name};` };
      }
      case T_PI_TARGET:
        this.#name();
        return { kind: 'text', text: '' };
      case T_PI_DATA: {
        const n = r.u16();
        r.skip(n * 2);
        return { kind: 'text', text: '' };
      }
      case T_NORMAL_SUBSTITUTION:
      case T_OPTIONAL_SUBSTITUTION: {
        if (!inTemplate) throw new EvtxError(`substitution outside a template in <${where}>`);
        const index = r.u16();
        r.skip(1); // declared type; the record's value carries its own
        return { kind: 'sub', index, optional: (t & 0x0f) === T_OPTIONAL_SUBSTITUTION };
      }
      default:
        throw new EvtxError(`unexpected BinXML token 0x${t.toString(16)} in <${where}>`);
    }
  }

  /** A name reference; the name itself follows inline when it is first used in the chunk. */
  #name(): string {
    const r = this.#r;
    const offset = r.u32();
    let name = this.#names.get(offset);
    if (name === undefined) {
      const chars = r.u16At(offset + 6);
      name = r.utf16At(offset + 8, chars);
      this.#names.set(offset, name);
    }
    if (offset === r.pos) r.skip(8 + r.u16At(offset + 6) * 2 + 2);
    return name;
  }
}

function emptyOf(type: number): EvtxValue | typeof ABSENT {
  return type === 0x01 || type === 0x02 ? '' : ABSENT;
}

/** What an element's content renders to: child elements (by name) and text pieces. */
class Content {
  obj: Record<string, EvtxValue> | undefined;
  /** Names seen more than once: their values are arrays built here (a value may be an array itself). */
  repeated: Set<string> | undefined;
  unnamedData: EvtxValue[] | undefined;
  texts: EvtxValue[] | undefined;

  add(name: string, value: EvtxValue): void {
    const obj = (this.obj ??= {});
    if (!Object.hasOwn(obj, name)) {
      // A plain object, so '__proto__' must be defined rather than assigned.
      if (name === '__proto__') Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
      else obj[name] = value;
    } else if (this.repeated?.has(name)) (obj[name] as EvtxValue[]).push(value);
    else {
      (this.repeated ??= new Set()).add(name);
      obj[name] = [obj[name] as EvtxValue, value];
    }
  }

  text(value: EvtxValue): void {
    (this.texts ??= []).push(value);
  }

  /**
   * Child elements as an object; unnamed `<Data>` elements become `Data: { '#text': value or [values] }`
   * as evtx_dump prints them.
   */
  children(): Record<string, EvtxValue> | undefined {
    if (this.unnamedData !== undefined) this.add('Data', { '#text': this.unnamedData.length === 1 ? this.unnamedData[0] as EvtxValue : this.unnamedData });
    return this.obj;
  }
}

/** Renders parts into `into`: elements as its children, the rest as its text. */
function collect(parts: Part[], values: SubValue[], into: Content, depth: number): void {
  for (const part of parts) {
    switch (part.kind) {
      case 'text':
        into.text(part.text);
        break;
      case 'sub': {
        const value = values[part.index] ?? ABSENT;
        if (value === ABSENT) break;
        if (value instanceof Fragment) collect(value.parts, [], into, depth + 1);
        else into.text(value);
        break;
      }
      case 'element':
        renderElement(part, values, into, depth + 1);
        break;
      case 'instance':
        if (depth > MAX_DEPTH) throw new EvtxError('templates nested too deeply');
        collect(part.template, part.values, into, depth + 1);
        break;
    }
  }
}

/** Renders one element into its parent's content. */
function renderElement(el: ElementPart, values: SubValue[], parent: Content, depth: number): void {
  let attrs: Record<string, EvtxValue> | undefined;
  let dataName: string | undefined;
  for (const attr of el.attrs) {
    const value = attrValue(attr.parts, values);
    if (value === ABSENT) continue;
    if (el.name === 'Data' && attr.name === 'Name') dataName = String(value);
    else if (attr.name !== '__proto__') (attrs ??= {})[attr.name] = value;
  }
  const content = new Content();
  collect(el.content, values, content, depth);
  const text = joinText(content.texts);
  const children = content.children();
  // evtx_dump's rule: <Data Name="X">v</Data> becomes "X": v.
  if (dataName !== undefined) return parent.add(dataName, text ?? null);
  if (attrs === undefined && children === undefined) {
    if (el.name === 'Data') (parent.unnamedData ??= []).push(text ?? null);
    else parent.add(el.name, text ?? null);
    return;
  }
  const obj = children ?? {};
  if (attrs !== undefined) obj['#attributes'] = attrs;
  if (text !== undefined && !(children !== undefined && typeof text === 'string' && text.trim() === '')) obj['#text'] = text;
  parent.add(el.name, obj);
}

/** An attribute's value; ABSENT when it is only substitutions that carry nothing (optional attributes). */
function attrValue(parts: Part[], values: SubValue[]): EvtxValue | typeof ABSENT {
  if (parts.length === 1) {
    const part = parts[0] as Part;
    if (part.kind === 'text') return part.text;
    if (part.kind === 'sub') {
      const value = values[part.index] ?? ABSENT;
      return value instanceof Fragment ? ABSENT : value;
    }
  }
  const texts: EvtxValue[] = [];
  let present = parts.length === 0;
  for (const part of parts) {
    if (part.kind === 'text') {
      texts.push(part.text);
      present = true;
    } else if (part.kind === 'sub') {
      const value = values[part.index] ?? ABSENT;
      if (value === ABSENT || value instanceof Fragment) continue;
      texts.push(value);
      present = true;
    }
  }
  return present ? joinText(texts) ?? '' : ABSENT;
}

/** One typed value stays typed; several pieces are joined as text. */
function joinText(texts: EvtxValue[] | undefined): EvtxValue | undefined {
  if (texts === undefined || texts.length === 0) return undefined;
  if (texts.length === 1) return texts[0] as EvtxValue;
  return texts.map((t) => (t !== null && typeof t === 'object' ? JSON.stringify(t) : String(t))).join('');
}
