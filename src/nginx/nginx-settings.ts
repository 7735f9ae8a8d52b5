import { Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct } from 'constructs';
import { NginxIngressDataPlaneOptions, NginxLoadBalancing, NginxSessionCookieSameSite } from './nginx-options';
import type { SessionAffinitySpec } from '../routing/resolved';
import { invalid, requireDnsLabel, requireDnsSubdomain, requireLabelKeys, requireLabelValue, requireWholeNumber } from '../validate';

/*
 * The data plane's options, checked and resolved once per gateway, and what every gateway of one controller
 * (IngressClass) in an App shares, kept in the App's AiGatewayRegistry.
 */

/** A Service port and the Ingress that defines its upstream (balancing and affinity are per upstream). */
export interface Upstream {
  /** The construct path of the gateway whose route defines it. */
  readonly gateway: string;
  readonly route: string;
  readonly ingress: string;
  readonly canary: boolean;
  readonly affinity?: SessionAffinitySpec;
}

/** What the gateways of one IngressClass in one App share. */
export interface Shared {
  readonly upstreams: Map<string, Upstream>;
  longestIdleSeconds: number;
}

export interface Settings {
  readonly ingressClassName: string;
  readonly retryNonIdempotent: boolean;
  readonly externalAuthUrl?: string;
  readonly loadBalancing: NginxLoadBalancing;
  readonly concurrentRequests?: number;
  readonly allowList?: string;
  readonly sameSite?: NginxSessionCookieSameSite;
  readonly bodySize: string;
}

const AUTH_URL = /^https?:\/\/[A-Za-z0-9\-._~/:,?&=$]+$/;
const CIDR = /^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(\/[0-9]{1,3})?$/;

export function resolveOptions(scope: Construct, o: NginxIngressDataPlaneOptions, namespace: string, labels: Record<string, string>): Settings {
  requireDnsSubdomain(scope, 'dataPlane.ingressClassName', o.ingressClassName);
  requireDnsLabel(scope, 'dataPlane.controllerNamespace', namespace);
  if (Object.keys(labels).length === 0) {
    throw invalid(scope, 'dataPlane.controllerPodLabels', {}, 'is empty and would admit every pod of the controller namespace',
      "give the controller pods' labels, such as { 'app.kubernetes.io/name': 'ingress-nginx' }");
  }
  requireLabelKeys(scope, 'dataPlane.controllerPodLabels', labels);
  for (const [key, value] of Object.entries(labels)) requireLabelValue(scope, `dataPlane.controllerPodLabels.${key}`, value);
  if (o.externalAuthUrl !== undefined && !AUTH_URL.test(o.externalAuthUrl)) {
    throw invalid(scope, 'dataPlane.externalAuthUrl', o.externalAuthUrl,
      'is not an http(s) URL that ingress-nginx accepts in auth-url (letters, digits and - . _ ~ / : , ? & = $ only)',
      'use the URL of your auth service, such as http://auth.auth.svc.cluster.local:8080/verify');
  }
  if (o.concurrentRequestsPerClient !== undefined) {
    requireWholeNumber(scope, 'dataPlane.concurrentRequestsPerClient', o.concurrentRequestsPerClient, 1);
  }
  (o.rateLimitAllowList ?? []).forEach((cidr, i) => {
    if (!CIDR.test(cidr)) {
      throw invalid(scope, `dataPlane.rateLimitAllowList[${i}]`, cidr, 'is not an IP address or CIDR', 'use addresses such as 10.0.0.0/8 or 192.0.2.10');
    }
  });
  const body = o.maxRequestBodySize ?? Size.mebibytes(16);
  const kib = body.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(kib) || kib < 1) {
    throw invalid(scope, 'dataPlane.maxRequestBodySize', `${kib} KiB`, 'must be a whole number of KiB, at least 1', 'use Size.kibibytes(n) or Size.mebibytes(n)');
  }
  return {
    ingressClassName: o.ingressClassName,
    retryNonIdempotent: o.retryNonIdempotent ?? false,
    externalAuthUrl: o.externalAuthUrl,
    loadBalancing: o.loadBalancing ?? NginxLoadBalancing.EWMA,
    concurrentRequests: o.concurrentRequestsPerClient,
    allowList: o.rateLimitAllowList === undefined || o.rateLimitAllowList.length === 0 ? undefined : o.rateLimitAllowList.join(','),
    sameSite: o.sessionCookieSameSite,
    bodySize: kib % 1024 === 0 ? `${kib / 1024}m` : `${kib}k`,
  };
}
