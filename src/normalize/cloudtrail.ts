/**
 * AWS CloudTrail records (one record per event). The original record is kept under
 * `aws.cloudtrail.<originalName>` (e.g. `aws.cloudtrail.userIdentity.type`), which is what Sigma's
 * `aws/cloudtrail` rules address; the common fields are mapped to ECS.
 */
import type { EventFields } from '../core/event.ts';
import { ParseError, type ObjectSourceType } from './source-type.ts';
import { addRelated, ip, keepOriginal, obj, parseTime, put, str } from './json-fields.ts';

function isRecord(r: Record<string, unknown>): boolean {
  return typeof r.eventVersion === 'string' && typeof r.eventSource === 'string' && typeof r.eventName === 'string';
}

/** A CloudTrail log file (`{"Records":[...]}`) is recognised only to say clearly that it must be split. */
function isLogFile(r: Record<string, unknown>): boolean {
  const records = r.Records;
  if (!Array.isArray(records)) return false;
  const first = obj(records[0]);
  return records.length === 0 || (first !== undefined && isRecord(first));
}

/** The acting principal's name: IAM user, the role behind an assumed-role session, or the ARN's last part. */
function principalName(identity: Record<string, unknown>): string | undefined {
  const issuer = obj(obj(identity.sessionContext)?.sessionIssuer);
  const arn = str(identity.arn);
  return str(identity.userName) ?? str(issuer?.userName) ?? (arn ? arn.slice(arn.lastIndexOf('/') + 1) : undefined) ?? str(identity.invokedBy);
}

function normalizeCloudTrail(r: Record<string, unknown>): EventFields {
  if (!isRecord(r)) {
    const n = Array.isArray(r.Records) ? r.Records.length : 0;
    throw new ParseError(`this is a CloudTrail log file with ${n} records; split "Records" into one record per event before ingesting`);
  }
  const out: EventFields = {};
  keepOriginal(out, r, 'aws.cloudtrail');
  put(out, '@timestamp', parseTime(r.eventTime));
  const name = r.eventName as string;
  const source = r.eventSource as string;
  out['event.kind'] = 'event';
  out['event.module'] = 'aws';
  out['event.dataset'] = 'aws.cloudtrail';
  out['event.provider'] = source;
  out['event.action'] = name;
  put(out, 'event.id', str(r.eventID));
  out['cloud.provider'] = 'aws';
  put(out, 'cloud.region', str(r.awsRegion));
  put(out, 'cloud.account.id', str(r.recipientAccountId));

  const errorCode = str(r.errorCode);
  const consoleLogin = str(obj(r.responseElements)?.ConsoleLogin);
  out['event.outcome'] = consoleLogin !== undefined ? (consoleLogin === 'Success' ? 'success' : 'failure') : errorCode ? 'failure' : 'success';
  put(out, 'error.code', errorCode);
  put(out, 'error.message', str(r.errorMessage));

  const category = name === 'ConsoleLogin' || name.startsWith('AssumeRole') || name === 'GetSessionToken' || name === 'GetFederationToken'
    ? 'authentication' : source === 'iam.amazonaws.com' || source === 'sso.amazonaws.com' ? 'iam' : 'configuration';
  out['event.category'] = [category];
  out['event.type'] = [category === 'authentication' ? 'start' : r.readOnly === true ? 'access' : actionType(name)];

  const addr = str(r.sourceIPAddress);
  const sourceIp = ip(addr);
  if (sourceIp !== undefined) {
    out['source.ip'] = sourceIp;
    addRelated(out, 'related.ip', sourceIp);
  } else if (addr !== undefined) {
    out['source.address'] = addr; // an AWS service calling on a user's behalf, e.g. ec2.amazonaws.com
    out['source.domain'] = addr;
  }
  put(out, 'user_agent.original', str(r.userAgent));

  const identity = obj(r.userIdentity);
  if (identity) {
    const user = principalName(identity);
    put(out, 'user.name', user);
    addRelated(out, 'related.user', user);
    put(out, 'user.id', str(identity.principalId));
    put(out, 'cloud.account.id', str(r.recipientAccountId) ?? str(identity.accountId));
  }
  const target = str(obj(r.requestParameters)?.userName) ?? str(obj(r.requestParameters)?.roleName);
  if (target !== undefined && source === 'iam.amazonaws.com') {
    out['user.target.name'] = target;
    addRelated(out, 'related.user', target);
  }
  return out;
}

function actionType(name: string): string {
  if (/^(?:Create|Put|Add|Run|Register|Import|Attach)/.test(name)) return 'creation';
  if (/^(?:Delete|Remove|Terminate|Deregister|Detach|Disable|Stop)/.test(name)) return 'deletion';
  if (/^(?:Get|List|Describe|Lookup|Head)/.test(name)) return 'access';
  return 'change';
}

export const cloudTrailSourceType: ObjectSourceType = {
  name: 'cloudtrail',
  description: 'AWS CloudTrail records (one record per event; split log files on "Records")',
  input: 'object',
  detect: (r) => isRecord(r) || isLogFile(r),
  normalize: normalizeCloudTrail,
};
