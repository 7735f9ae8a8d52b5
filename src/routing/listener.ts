import type { IConstruct } from 'constructs';
import { requireDnsSubdomain, requireObject, requirePort } from '../validate';
import { ListenerSpec } from './resolved';

/** Options for `Listener.http`. */
export interface HttpListenerOptions {
  /**
   * The port clients connect to.
   * @default 80
   */
  readonly port?: number;
}

/** Options for `Listener.https`. */
export interface HttpsListenerOptions {
  /**
   * The port clients connect to.
   * @default 443
   */
  readonly port?: number;
  /**
   * The `kubernetes.io/tls` Secret with the certificate and key. Where it must live depends on the data plane
   * (Istio: the gateway pods' namespace; Gateway API: the Gateway's namespace).
   */
  readonly tlsSecret: string;
}

/** A port the gateway accepts requests on. */
export class Listener {
  /** Plain HTTP. */
  public static http(options: HttpListenerOptions = {}): Listener {
    requireObject('Listener.http', 'options', options);
    return new Listener((scope, property) => ({ protocol: 'HTTP', port: requirePort(scope, `${property}.port`, options.port ?? 80) }));
  }

  /** HTTPS, terminating TLS at the gateway with the certificate in a Secret. */
  public static https(options: HttpsListenerOptions): Listener {
    requireObject('Listener.https', 'options', options);
    return new Listener((scope, property) => ({
      protocol: 'HTTPS',
      port: requirePort(scope, `${property}.port`, options.port ?? 443),
      tlsSecret: requireDnsSubdomain(scope, `${property}.tlsSecret`, options.tlsSecret),
    }));
  }

  private constructor(private readonly resolver: (scope: IConstruct, property: string) => ListenerSpec) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string): ListenerSpec {
    return this.resolver(scope, property);
  }
}
