/** Hard limits applied to untrusted input before any parser sees it. */
export interface InputLimits {
  /** Largest single record in bytes (UTF-8); longer records are rejected with a reason. */
  maxRecordBytes: number;
  /** Deepest JSON nesting accepted; deeper documents are rejected, never recursed into. */
  maxJsonDepth: number;
  /** Most fields one event may produce; the rest are dropped and the event is marked. */
  maxFields: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxRecordBytes: 1024 * 1024,
  maxJsonDepth: 32,
  maxFields: 1000,
};
