import {
  assertValidManifests,
  formatIssues,
  KUBERNETES_VERSIONS,
  validateManifests,
  ValidationIssue,
} from '../tools/validator';

/*
 * The strict validator every other test relies on: each rejection is proven with its message, and the
 * documents the library emits (Deployment, Service, PodDisruptionBudget, Istio and Gateway API routes)
 * pass when they are right.
 */

const DEPLOYMENT_SCHEMA = 'io.k8s.api.apps.v1.Deployment';

function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'llm-service', namespace: 'default', labels: { 'app.kubernetes.io/name': 'llm-service' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'llm-service' } },
      template: {
        metadata: { labels: { app: 'llm-service' } },
        spec: {
          containers: [{
            name: 'server',
            image: 'vllm/vllm-openai:v0.6.0',
            ports: [{ containerPort: 8000, name: 'http' }],
            resources: { requests: { 'cpu': '500m', 'memory': '8Gi', 'nvidia.com/gpu': 1 }, limits: { memory: '8Gi' } },
          }],
        },
      },
    },
  };
}

function service(): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'llm-service', namespace: 'default' },
    spec: { selector: { app: 'llm-service' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

function podDisruptionBudget(maxUnavailable: unknown = 1): any {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'llm-service', namespace: 'default' },
    spec: { maxUnavailable, selector: { matchLabels: { app: 'llm-service' } } },
  };
}

function ingress(annotations: Record<string, string>): any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'llm-service', namespace: 'default', annotations },
    spec: {
      ingressClassName: 'nginx',
      rules: [{
        http: {
          paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'llm-service', port: { number: 80 } } } }],
        },
      }],
    },
  };
}

function virtualService(): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'llm-service', namespace: 'default' },
    spec: {
      hosts: ['llm-service.default.svc.cluster.local'],
      http: [{
        match: [{ uri: { prefix: '/v1/' } }],
        route: [{ destination: { host: 'llm-service', port: { number: 80 } }, weight: 100 }],
        timeout: '300s',
        retries: { attempts: 2, perTryTimeout: '120s', retryOn: 'connect-failure,refused-stream' },
      }],
    },
  };
}

function envoyFilter(apiVersion = 'networking.istio.io/v1alpha3'): any {
  return {
    apiVersion,
    kind: 'EnvoyFilter',
    metadata: { name: 'buffer-limit', namespace: 'default' },
    spec: {
      configPatches: [{
        applyTo: 'LISTENER',
        patch: {
          operation: 'MERGE',
          value: { per_connection_buffer_limit_bytes: 1048576, anything: { nested: ['goes', { here: true }] } },
        },
      }],
    },
  };
}

function httpRoute(rule: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'llm-service', namespace: 'default' },
    spec: {
      parentRefs: [{ name: 'inference-gateway' }],
      rules: [{ backendRefs: [{ name: 'llm-service', port: 80 }], ...rule }],
    },
  };
}

function gateway(addresses: unknown[]): any {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'inference-gateway', namespace: 'default' },
    spec: {
      gatewayClassName: 'istio',
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }],
      addresses,
    },
  };
}

/** The issues as "path: message" lines, the easiest shape to assert on. */
function problems(issues: readonly ValidationIssue[]): string[] {
  return issues.map(issue => `${issue.path}: ${issue.message}`);
}

describe('valid documents', () => {
  test('a minimal Deployment, Service and PodDisruptionBudget pass on every default Kubernetes version', () => {
    expect(KUBERNETES_VERSIONS).toEqual(['v1.28.0', 'v1.36.0']);
    const docs = [deployment(), service(), podDisruptionBudget()];
    expect(validateManifests(docs)).toEqual([]);
    for (const version of KUBERNETES_VERSIONS) {
      expect(validateManifests(docs, { kubernetesVersions: [version] })).toEqual([]);
    }
  });

  test('an Istio VirtualService (networking.istio.io/v1) passes', () => {
    expect(validateManifests([virtualService()])).toEqual([]);
  });

  test('a standard-channel HTTPRoute passes on both channels', () => {
    expect(validateManifests([httpRoute()])).toEqual([]);
    expect(validateManifests([httpRoute()], { gatewayApiChannel: 'experimental' })).toEqual([]);
  });

  test('the input documents are not modified (CRD defaults are applied to a copy)', () => {
    const route = httpRoute();
    const before = JSON.stringify(route);
    validateManifests([route]);
    expect(JSON.stringify(route)).toEqual(before);
  });
});

describe('core kinds', () => {
  test('an unknown field in a Deployment container is rejected on both versions, once', () => {
    const doc = deployment();
    doc.spec.template.spec.containers[0].foo = 'bar';
    expect(validateManifests([doc])).toEqual([{
      document: 'Deployment/default/llm-service',
      path: 'spec.template.spec.containers[0].foo',
      message: "unknown field 'foo'",
      schema: `kubernetes v1.28.0, v1.36.0 ${DEPLOYMENT_SCHEMA}`,
    }]);
  });

  test('a wrong type is rejected', () => {
    const doc = deployment();
    doc.spec.replicas = 'two';
    expect(problems(validateManifests([doc]))).toEqual(['spec.replicas: expected integer, got string "two"']);
  });

  test('a missing required field is rejected: a Service port without port, a container without name', () => {
    const svc = service();
    delete svc.spec.ports[0].port;
    const deploy = deployment();
    delete deploy.spec.template.spec.containers[0].name;
    expect(problems(validateManifests([svc, deploy]))).toEqual([
      "spec.ports[0].port: missing required field 'port'",
      "spec.template.spec.containers[0].name: missing required field 'name'",
    ]);
  });

  test('int32 fields reject numbers out of range', () => {
    const svc = service();
    svc.spec.ports[0].port = 2 ** 31;
    expect(problems(validateManifests([svc]))).toEqual(['spec.ports[0].port: 2147483648 is out of range for int32']);
  });

  test('a field Kubernetes 1.36 has but 1.28 lacks (PodSpec.resources) fails only for 1.28', () => {
    const doc = deployment();
    doc.spec.template.spec.resources = { limits: { cpu: '4', memory: '16Gi' } };
    expect(validateManifests([doc])).toEqual([{
      document: 'Deployment/default/llm-service',
      path: 'spec.template.spec.resources',
      message: "unknown field 'resources'",
      schema: `kubernetes v1.28.0 ${DEPLOYMENT_SCHEMA}`,
    }]);
    expect(validateManifests([doc], { kubernetesVersions: ['v1.36.0'] })).toEqual([]);
  });

  test('IntOrString accepts an integer and a string, and rejects a boolean', () => {
    expect(validateManifests([podDisruptionBudget(1), podDisruptionBudget('25%')])).toEqual([]);
    expect(problems(validateManifests([podDisruptionBudget(true)]))).toEqual([
      'spec.maxUnavailable: expected integer or string, got boolean true',
    ]);
    expect(problems(validateManifests([podDisruptionBudget(1.5)]))).toEqual([
      'spec.maxUnavailable: expected integer or string, got number 1.5',
    ]);
  });

  test("a Quantity accepts '8Gi', '500m' and numbers, and rejects 'eight'", () => {
    const doc = deployment();
    doc.spec.template.spec.containers[0].resources = { requests: { cpu: 2, memory: '8Gi' }, limits: { cpu: '500m', memory: 'eight' } };
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.template.spec.containers[0].resources.limits.memory: expected a quantity (a number, or a string such as "8Gi", "500m" or "1e3"), got string "eight"',
    ]);
  });

  test('null values are rejected: omit the field instead', () => {
    const doc = service();
    doc.spec.type = null;
    expect(problems(validateManifests([doc]))).toEqual(['spec.type: null value; omit the field instead']);
  });
});

describe('metadata', () => {
  test('a label value that is too long or badly formed is rejected, in templates too', () => {
    const doc = deployment();
    doc.metadata.labels.tier = 'large_';
    doc.spec.template.metadata.labels.model = 'x'.repeat(64);
    expect(validateManifests([doc]).map(issue => [issue.path, issue.schema])).toEqual([
      ['metadata.labels.tier', 'kubernetes ObjectMeta rules'],
      ['spec.template.metadata.labels.model', 'kubernetes ObjectMeta rules'],
    ]);
    expect(validateManifests([doc])[0].message).toMatch(/^label value "large_" is invalid: at most 63 characters/);
  });

  test('label keys and annotation keys must be qualified names', () => {
    const doc = service();
    doc.metadata.labels = { 'Example.com/tier': 'a', 'a/b/c': 'b' };
    doc.metadata.annotations = { 'bad key': 'x' };
    expect(problems(validateManifests([doc]))).toEqual([
      'metadata.labels["Example.com/tier"]: label key "Example.com/tier" is not a qualified name: its prefix is not a DNS subdomain: ' +
        "at most 253 characters of lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
      'metadata.labels["a/b/c"]: label key "a/b/c" is not a qualified name: it has more than one \'/\'',
      'metadata.annotations["bad key"]: annotation key "bad key" is not a qualified name: the name part must be 1 to 63 characters ' +
        "of letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
    ]);
  });

  test('names are required and must suit the kind', () => {
    const unnamed = deployment();
    delete unnamed.metadata.name;
    const upper = deployment();
    upper.metadata.name = 'LLM';
    const digitService = service();
    digitService.metadata.name = '7b-model';
    expect(validateManifests([unnamed, upper, digitService]).map(issue => `${issue.document} ${issue.path}: ${issue.message}`)).toEqual([
      "Deployment/default/docs[0] metadata.name: missing required field 'name' (or 'generateName')",
      'Deployment/default/LLM metadata.name: "LLM" is not a DNS subdomain: ' +
        "at most 253 characters of lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
      'Service/default/7b-model metadata.name: "7b-model" is not a DNS-1035 label: ' +
        "at most 63 characters of lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
    ]);
  });

  test('custom resources have their metadata judged as Kubernetes v1.36.0 ObjectMeta', () => {
    const doc = virtualService();
    doc.metadata.labelz = { app: 'llm' };
    expect(validateManifests([doc])).toEqual([{
      document: 'VirtualService/default/llm-service',
      path: 'metadata.labelz',
      message: "unknown field 'labelz'",
      schema: 'kubernetes v1.36.0 io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    }]);
  });
});

describe('ingress-nginx annotations', () => {
  test('an unknown nginx.ingress.kubernetes.io/ annotation is rejected, with the likely intended one', () => {
    const doc = ingress({ 'nginx.ingress.kubernetes.io/proxy-read-timout': '300' });
    expect(validateManifests([doc])).toEqual([{
      document: 'Ingress/default/llm-service',
      path: 'metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timout"]',
      message: "unknown ingress-nginx annotation 'nginx.ingress.kubernetes.io/proxy-read-timout'; the controller silently ignores it " +
        "(did you mean 'nginx.ingress.kubernetes.io/proxy-read-timeout'?)",
      schema: 'ingress-nginx/annotations.txt',
    }]);
  });

  test('known annotations are accepted', () => {
    const doc = ingress({
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '300',
      'nginx.ingress.kubernetes.io/proxy-body-size': '16m',
      'example.com/owner': 'platform',
    });
    expect(validateManifests([doc])).toEqual([]);
  });
});

describe('apiVersions that are not served', () => {
  test('policy/v1beta1 PodDisruptionBudget is served by neither 1.28 nor 1.36', () => {
    const doc = { ...podDisruptionBudget(), apiVersion: 'policy/v1beta1' };
    expect(validateManifests([doc]).map(issue => [issue.message, issue.schema])).toEqual([
      ['apiVersion policy/v1beta1 kind PodDisruptionBudget is not served by Kubernetes v1.28.0; it serves policy/v1', 'kubernetes v1.28.0'],
      ['apiVersion policy/v1beta1 kind PodDisruptionBudget is not served by Kubernetes v1.36.0; it serves policy/v1', 'kubernetes v1.36.0'],
    ]);
  });

  test('a made-up version of a core kind is not served', () => {
    const doc = { ...deployment(), apiVersion: 'apps/v2' };
    expect(problems(validateManifests([doc], { kubernetesVersions: ['v1.36.0'] }))).toEqual([
      'apiVersion: apiVersion apps/v2 kind Deployment is not served by Kubernetes v1.36.0; it serves apps/v1',
    ]);
  });

  test('networking.istio.io/v1 EnvoyFilter is not served: the CRD only has v1alpha3', () => {
    expect(validateManifests([envoyFilter('networking.istio.io/v1')])).toEqual([{
      document: 'EnvoyFilter/default/buffer-limit',
      path: 'apiVersion',
      message: 'apiVersion networking.istio.io/v1 kind EnvoyFilter is not served by CRD envoyfilters.networking.istio.io; it serves networking.istio.io/v1alpha3',
      schema: 'CRD envoyfilters.networking.istio.io (istio)',
    }]);
  });

  test('a CRD version with served: false is not served (BackendTLSPolicy v1alpha3)', () => {
    const doc = { apiVersion: 'gateway.networking.k8s.io/v1alpha3', kind: 'BackendTLSPolicy', metadata: { name: 'tls' }, spec: {} };
    expect(problems(validateManifests([doc]))).toEqual([
      'apiVersion: apiVersion gateway.networking.k8s.io/v1alpha3 kind BackendTLSPolicy is not served by CRD backendtlspolicies.gateway.networking.k8s.io ' +
        '(the version exists but has served: false); it serves gateway.networking.k8s.io/v1',
    ]);
  });

  test('an unknown kind has no schema', () => {
    const doc = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(validateManifests([doc])).toEqual([{
      document: 'Widget/w',
      path: 'apiVersion',
      message: 'no schema for apiVersion/kind example.com/v1 Widget: not a Kubernetes API group, and no CRD under crds/ defines it',
      schema: 'no schema',
    }]);
    const istioKind = { apiVersion: 'networking.istio.io/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(problems(validateManifests([istioKind]))).toEqual([
      'apiVersion: no schema for apiVersion/kind networking.istio.io/v1 Widget: not a Kubernetes API group, and no CRD under crds/ defines it',
    ]);
  });
});

describe('custom resources', () => {
  test('an unknown field in a VirtualService http route is rejected by the CRD schema', () => {
    const doc = virtualService();
    doc.spec.http[0].retryPolicy = { attempts: 3 };
    expect(validateManifests([doc])).toEqual([{
      document: 'VirtualService/default/llm-service',
      path: 'spec.http[0].retryPolicy',
      message: "unknown field 'retryPolicy'",
      schema: 'CRD virtualservices.networking.istio.io v1 (istio)',
    }]);
  });

  test('x-kubernetes-preserve-unknown-fields is honoured (EnvoyFilter patch.value), while its siblings stay closed', () => {
    expect(validateManifests([envoyFilter()])).toEqual([]);
    const doc = envoyFilter();
    doc.spec.configPatches[0].patch.valu = {};
    expect(problems(validateManifests([doc]))).toEqual(["spec.configPatches[0].patch.valu: unknown field 'valu'"]);
  });

  test('type, enum and minimum keywords of CRD schemas are enforced', () => {
    const doc = virtualService();
    doc.spec.http[0].route[0].destination.port.number = -1;
    doc.spec.http[0].match[0].uri = { prefix: 7 };
    const filter = envoyFilter();
    filter.spec.configPatches[0].patch.operation = 'UPSERT';
    expect(problems(validateManifests([doc, filter]))).toEqual([
      'spec.http[0].match[0].uri.prefix: expected string, got integer 7',
      'spec.http[0].route[0].destination.port.number: must be at least 0, got -1',
      'spec.configPatches[0].patch.operation: "UPSERT" is not one of "INVALID", "MERGE", "ADD", "REMOVE", "INSERT_BEFORE", "INSERT_AFTER", "INSERT_FIRST", "REPLACE"',
    ]);
  });

  test('oneOf of required fields (at most one of) is enforced', () => {
    const doc = virtualService();
    doc.spec.http[0].corsPolicy = { allowOrigins: [{ exact: 'https://a.example', prefix: 'https://b' }] };
    expect(problems(validateManifests([doc]))).toEqual([
      "spec.http[0].corsPolicy.allowOrigins[0]: at most one of 'exact', 'prefix', 'regex' may be set, found 'exact' and 'prefix'",
    ]);
  });

  test('CRD defaults are applied before oneOf, as the API server does (Gateway address type defaults to IPAddress)', () => {
    expect(validateManifests([gateway([{ value: '10.0.0.1' }, { type: 'Hostname', value: 'llm.example.com' }])])).toEqual([]);
    const issues = validateManifests([gateway([{ value: 'llm.example.com' }])]);
    expect(issues.map(issue => issue.path)).toEqual(['spec.addresses[0]']);
    expect(issues[0].message).toMatch(/^must satisfy exactly one of: .*satisfies none$/);
  });

  test('minLength and pattern are enforced', () => {
    const doc = httpRoute({ timeouts: { request: '5 minutes' } });
    doc.spec.rules[0].backendRefs[0].name = '';
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.rules[0].backendRefs[0].name: must be at least 1 character(s), got 0',
      'spec.rules[0].timeouts.request: "5 minutes" does not match pattern ^([0-9]{1,5}(h|m|s|ms)){1,4}$',
    ]);
  });

  test('x-kubernetes-int-or-string accepts an integer and a string, and rejects a boolean (Envoy Gateway bufferLimit)', () => {
    const policy = (bufferLimit: unknown) => ({
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'ClientTrafficPolicy',
      metadata: { name: 'buffers', namespace: 'default' },
      spec: {
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'inference-gateway' }],
        connection: { bufferLimit },
      },
    });
    expect(validateManifests([policy(32768), policy('32Ki')])).toEqual([]);
    expect(problems(validateManifests([policy(true)]))).toEqual(['spec.connection.bufferLimit: expected integer or string, got boolean true']);
    expect(problems(validateManifests([policy('32 KiB')])).map(line => line.replace(/pattern .*/, 'pattern ...'))).toEqual([
      'spec.connection.bufferLimit: "32 KiB" does not match pattern ...',
      'spec.connection.bufferLimit: "32 KiB" does not match pattern ...',
    ]);
  });

  test('the experimental HTTPRoute field rules[].retry is rejected on the standard channel and accepted on the experimental one', () => {
    const doc = httpRoute({ retry: { attempts: 2, backoff: '1s', codes: [503] } });
    expect(validateManifests([doc])).toEqual([{
      document: 'HTTPRoute/default/llm-service',
      path: 'spec.rules[0].retry',
      message: "unknown field 'retry'",
      schema: 'CRD httproutes.gateway.networking.k8s.io v1 (gateway-api/standard)',
    }]);
    expect(validateManifests([doc], { gatewayApiChannel: 'experimental' })).toEqual([]);

    doc.spec.rules[0].retry.attempts = 0;
    expect(validateManifests([doc], { gatewayApiChannel: 'experimental' })).toEqual([{
      document: 'HTTPRoute/default/llm-service',
      path: 'spec.rules[0].retry.attempts',
      message: 'must be at least 1, got 0',
      schema: 'CRD httproutes.gateway.networking.k8s.io v1 (gateway-api/experimental)',
    }]);
  });

  test('an object without properties accepts no fields, as the API server prunes them all (Envoy Gateway gzip: {})', () => {
    const policy = (gzip: unknown) => ({
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: 'compression', namespace: 'default' },
      spec: {
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'llm-service' }],
        compression: [{ type: 'Gzip', gzip }],
      },
    });
    expect(validateManifests([policy({})])).toEqual([]);
    expect(problems(validateManifests([policy({ level: 9 })]))).toEqual(["spec.compression[0].gzip.level: unknown field 'level'"]);
  });

  test('x-kubernetes-list-type map entries must be unique by their keys', () => {
    const doc = gateway([]);
    doc.spec.listeners.push({ name: 'http', port: 8080, protocol: 'HTTP' });
    expect(problems(validateManifests([doc]))).toEqual(['spec.listeners[1]: duplicate entry with name="http" in a list of type map']);
  });
});

describe('documents that are not objects', () => {
  test('null, undefined and documents without apiVersion or kind are issues', () => {
    expect(problems(validateManifests([null, undefined, 'text']))).toEqual([
      ': document is null, expected an object',
      ': document is nothing, expected an object',
      ': document is string "text", expected an object',
    ]);
    expect(validateManifests([{ metadata: { name: 'x' } }]).map(issue => `${issue.document} ${issue.path}: ${issue.message}`)).toEqual([
      '(no kind)/x apiVersion: expected a non-empty string, got nothing',
      '(no kind)/x kind: expected a non-empty string, got nothing',
    ]);
  });
});

describe('assertValidManifests and formatIssues', () => {
  test('assertValidManifests returns quietly for valid documents', () => {
    expect(() => assertValidManifests([deployment(), service()])).not.toThrow();
  });

  test('assertValidManifests throws with one formatted line per issue', () => {
    const doc = deployment();
    doc.spec.replicas = 'two';
    doc.spec.template.spec.containers[0].foo = 1;
    const issues = validateManifests([doc, null]);
    expect(formatIssues(issues).split('\n')).toEqual([
      `Deployment/default/llm-service: spec.replicas: expected integer, got string "two" (kubernetes v1.28.0, v1.36.0 ${DEPLOYMENT_SCHEMA})`,
      `Deployment/default/llm-service: spec.template.spec.containers[0].foo: unknown field 'foo' (kubernetes v1.28.0, v1.36.0 ${DEPLOYMENT_SCHEMA})`,
      'docs[1]: document is null, expected an object (kubernetes TypeMeta)',
    ]);
    expect(() => assertValidManifests([doc, null])).toThrow(`3 schema issue(s) in 2 document(s):\n${formatIssues(issues)}`);
  });

  test('an empty list of Kubernetes versions is a usage error', () => {
    expect(() => validateManifests([service()], { kubernetesVersions: [] })).toThrow(/kubernetesVersions is empty/);
  });

  test('an unknown Kubernetes version is a usage error naming the available ones', () => {
    expect(() => validateManifests([service()], { kubernetesVersions: ['v1.99.0'] })).toThrow(/No Kubernetes definitions for v1\.99\.0 .*available: v1\.28\.0, v1\.36\.0/);
  });
});
