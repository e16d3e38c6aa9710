import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { normalizeRecord } from './normalize-record.ts';

const norm = (doc: unknown, sourceType = 'auto') =>
  normalizeRecord({ source: 't', sourceType, receivedAt: Date.UTC(2024, 0, 1), text: JSON.stringify(doc) }, DEFAULT_INPUT_LIMITS);

const consoleLogin = {
  eventVersion: '1.08', eventTime: '2023-03-01T10:15:30Z', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1', sourceIPAddress: '203.0.113.9', userAgent: 'Mozilla/5.0', eventID: 'e1', eventType: 'AwsConsoleSignIn',
  userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012', userName: 'alice' },
  responseElements: { ConsoleLogin: 'Failure' }, additionalEventData: { MFAUsed: 'No' }, recipientAccountId: '123456789012',
  errorMessage: 'Failed authentication',
};

describe('cloudtrail', () => {
  it('maps a console login and keeps the original names for Sigma', () => {
    const ev = norm(consoleLogin);
    expect(ev.sourceType).toBe('cloudtrail');
    expect(ev.timestamp).toBe(Date.parse('2023-03-01T10:15:30Z'));
    expect(ev.fields).toMatchObject({
      'event.action': 'ConsoleLogin', 'event.provider': 'signin.amazonaws.com', 'event.outcome': 'failure',
      'event.category': ['authentication'], 'source.ip': '203.0.113.9', 'user.name': 'alice', 'user.id': 'AIDAEXAMPLE',
      'cloud.account.id': '123456789012', 'cloud.region': 'us-east-1', 'error.message': 'Failed authentication',
      'aws.cloudtrail.userIdentity.type': 'IAMUser', 'aws.cloudtrail.eventName': 'ConsoleLogin',
      'aws.cloudtrail.additionalEventData.MFAUsed': 'No',
    });
  });

  it('names an assumed role by its issuer and a service caller as a domain', () => {
    const f = norm({
      eventVersion: '1.08', eventTime: '2023-03-01T10:15:30Z', eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey',
      sourceIPAddress: 'cloudformation.amazonaws.com', requestParameters: { userName: 'bob' },
      userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/Admin/session', sessionContext: { sessionIssuer: { userName: 'Admin' } } },
    }).fields;
    expect(f).toMatchObject({ 'user.name': 'Admin', 'source.domain': 'cloudformation.amazonaws.com', 'event.category': ['iam'],
      'event.type': ['creation'], 'user.target.name': 'bob', 'related.user': ['Admin', 'bob'], 'event.outcome': 'success' });
    expect(f['source.ip']).toBeUndefined();
  });

  it('refuses a whole log file with a reason saying to split Records', () => {
    const ev = norm({ Records: [consoleLogin, consoleLogin] });
    expect(ev.sourceType).toBe('raw');
    expect(ev.parseError).toMatch(/CloudTrail log file with 2 records; split "Records"/);
  });

  it('handles wrong types without crashing', () => {
    const ev = norm({ eventVersion: '1.0', eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventTime: 12, userIdentity: 'x', sourceIPAddress: 5, readOnly: true });
    expect(ev.parseError).toBeUndefined();
    expect(ev.timestamp).toBe(12_000);
    expect(ev.fields['event.type']).toEqual(['access']);
  });
});
