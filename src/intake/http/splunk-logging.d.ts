// Minimal types for the splunk-logging npm client (it ships none), as used by the HEC tests.
/* eslint-disable @typescript-eslint/no-unused-vars -- ambient declarations are used through the module's default export */
declare module 'splunk-logging' {
  interface SplunkLoggerConfig {
    token: string;
    url?: string;
    name?: string;
    maxBatchCount?: number;
    maxRetries?: number;
  }
  interface SplunkPayload {
    message: unknown;
    severity?: string;
    metadata?: { time?: number; host?: string; source?: string; sourcetype?: string; index?: string };
  }
  class SplunkLogger {
    constructor(config: SplunkLoggerConfig);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    error: (err: any, context?: unknown) => void;
    send(payload: SplunkPayload, callback?: (err: unknown, resp: unknown, body: unknown) => void): void;
    flush(callback?: (err: unknown, resp: unknown, body: unknown) => void): void;
  }
  const splunk: { Logger: typeof SplunkLogger };
  export default splunk;
}
