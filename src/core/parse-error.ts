/** Thrown by a parser or source type when a record is recognisably its own but broken; the message is the reason shown to users. */
export class ParseError extends Error {
  override name = 'ParseError';
}
