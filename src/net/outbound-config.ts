/** Configuration of outbound HTTP (webhooks, notifications, feeds): the `outbound` section. */
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

export const outboundConfigSchema = z.object({
  allowPrivateTargets: z.array(z.string().refine((cidr) => ipaddr.isValidCIDR(cidr), 'a CIDR range such as 10.0.0.0/8 or fd00::/8')).default([])
    .describe('Private, loopback or link-local ranges (CIDR) that webhooks and URL fetches may reach anyway, e.g. an on-premises chat server; by default only public addresses are reached.'),
  timeoutSeconds: z.number().int().min(1).max(300).default(10).describe('Longest an outbound request may take, redirects and body included.'),
  maxResponseBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(1024 * 1024).describe('Largest outbound response body read, in bytes; larger responses fail.'),
}).strict();

export type OutboundConfig = z.output<typeof outboundConfigSchema>;
