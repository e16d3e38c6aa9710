import protobuf from 'protobufjs/light.js';

/**
 * The part of the OTLP protobuf schema Vigil reads (opentelemetry-proto, collector/logs/v1), as a
 * protobufjs JSON descriptor. Field numbers match logs.proto, common.proto, resource.proto and
 * logs_service.proto; field names are the lowerCamelCase JSON names, so decoded protobuf and OTLP/JSON
 * have the same shape. Enums are read as int32 (same wire format); unknown fields are skipped.
 */
const descriptor = {
  nested: {
    AnyValue: {
      oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
      fields: {
        stringValue: { type: 'string', id: 1 }, boolValue: { type: 'bool', id: 2 }, intValue: { type: 'int64', id: 3 },
        doubleValue: { type: 'double', id: 4 }, arrayValue: { type: 'ArrayValue', id: 5 }, kvlistValue: { type: 'KeyValueList', id: 6 },
        bytesValue: { type: 'bytes', id: 7 },
      },
    },
    ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
    KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
    InstrumentationScope: {
      fields: {
        name: { type: 'string', id: 1 }, version: { type: 'string', id: 2 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 3 }, droppedAttributesCount: { type: 'uint32', id: 4 },
      },
    },
    Resource: { fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 }, droppedAttributesCount: { type: 'uint32', id: 2 } } },
    ResourceLogs: {
      fields: { resource: { type: 'Resource', id: 1 }, scopeLogs: { rule: 'repeated', type: 'ScopeLogs', id: 2 }, schemaUrl: { type: 'string', id: 3 } },
    },
    ScopeLogs: {
      fields: { scope: { type: 'InstrumentationScope', id: 1 }, logRecords: { rule: 'repeated', type: 'LogRecord', id: 2 }, schemaUrl: { type: 'string', id: 3 } },
    },
    LogRecord: {
      fields: {
        timeUnixNano: { type: 'fixed64', id: 1 }, observedTimeUnixNano: { type: 'fixed64', id: 11 },
        severityNumber: { type: 'int32', id: 2 }, severityText: { type: 'string', id: 3 }, body: { type: 'AnyValue', id: 5 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 6 }, droppedAttributesCount: { type: 'uint32', id: 7 },
        flags: { type: 'fixed32', id: 8 }, traceId: { type: 'bytes', id: 9 }, spanId: { type: 'bytes', id: 10 },
        eventName: { type: 'string', id: 12 },
      },
    },
    ExportLogsServiceRequest: { fields: { resourceLogs: { rule: 'repeated', type: 'ResourceLogs', id: 1 } } },
    ExportLogsServiceResponse: { fields: { partialSuccess: { type: 'ExportLogsPartialSuccess', id: 1 } } },
    ExportLogsPartialSuccess: { fields: { rejectedLogRecords: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } } },
    /** google.rpc.Status, the body of OTLP/HTTP error replies (details omitted). */
    Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
export const ExportLogsServiceRequest = root.lookupType('ExportLogsServiceRequest');
export const ExportLogsServiceResponse = root.lookupType('ExportLogsServiceResponse');
export const RpcStatus = root.lookupType('Status');

/**
 * Decodes a protobuf `ExportLogsServiceRequest` into the OTLP/JSON shape, except that bytes fields
 * (trace/span ids, bytesValue) come as base64 strings. 64-bit integers come as decimal strings.
 * Throws on malformed input.
 */
export function decodeLogsRequest(bytes: Uint8Array): Record<string, unknown> {
  const message = ExportLogsServiceRequest.decode(bytes);
  return ExportLogsServiceRequest.toObject(message, { longs: String, bytes: String, defaults: false }) as Record<string, unknown>;
}

/** Encodes an `ExportLogsServiceResponse`, with partial success when records were rejected. */
export function encodeLogsResponse(rejected: number, errorMessage: string): Uint8Array {
  const payload = rejected > 0 ? { partialSuccess: { rejectedLogRecords: rejected, errorMessage } } : {};
  return ExportLogsServiceResponse.encode(ExportLogsServiceResponse.fromObject(payload)).finish();
}

/** Encodes a `google.rpc.Status` error body. */
export function encodeStatus(code: number, message: string): Uint8Array {
  return RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish();
}
