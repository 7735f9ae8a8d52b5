import { compileRule, ruleFindings, toCelValue } from '../tools/cel/kubernetes';
import {
  assertValidManifests,
  crdValidationRules,
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
            resources: { requests: { 'cpu': '500m', 'memory': '8Gi', 'nvidia.com/gpu': 1 }, limits: { 'memory': '8Gi', 'nvidia.com/gpu': 1 } },
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
    doc.spec.template.spec.containers[0].resources = { requests: { cpu: '500m', memory: '8Gi' }, limits: { cpu: 2, memory: 'eight' } };
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
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.listeners[1]: duplicate entry with name="http" in a list of type map',
      // The Gateway CRD (gateway-api v1.6.1) says it again as a CEL rule.
      'spec.listeners: Listener name must be unique within the Gateway (CEL rule: self.all(l1, self.exists_one(l2, l1.name == l2.name)))',
    ]);
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

/*
 * CEL rules: the API server evaluates each CRD's x-kubernetes-validations at every node where the schema
 * carries them, after defaulting. Each fixture breaks a rule of a pinned CRD, quoted from its file under upstream/crds.
 */
describe('CEL rules (x-kubernetes-validations)', () => {
  test('every rule of every vendored CRD compiles; only the transition rules (oldSelf) are left out', () => {
    const rules = crdValidationRules();
    expect(rules.length).toBeGreaterThan(1000);
    const broken = rules
      .map(entry => ({ entry, compiled: compileRule(entry.rule.rule) }))
      .filter(({ compiled }) => compiled.error !== undefined)
      .map(({ entry, compiled }) => `${entry.crd} ${entry.version} ${entry.path}: ${compiled.error}`);
    expect(broken).toEqual([]);
    const messageExpressions = rules.filter(entry => entry.rule.messageExpression !== undefined);
    expect(messageExpressions.filter(entry => compileRule(entry.rule.messageExpression!).error !== undefined)).toEqual([]);
    const transitions = rules.filter(entry => compileRule(entry.rule.rule).transition);
    expect(transitions.map(entry => `${entry.crd} ${entry.version} ${entry.path}: ${entry.rule.rule}`)).toEqual([
      'gatewayclasses.gateway.networking.k8s.io (gateway-api/standard) v1 spec.controllerName: self == oldSelf',
      'gatewayclasses.gateway.networking.k8s.io (gateway-api/standard) v1beta1 spec.controllerName: self == oldSelf',
    ]);
  });

  test('a rule that names an unknown function or variable does not compile, and never counts as passed', () => {
    expect(compileRule('self.noSuchFunction()').error).toEqual("undeclared reference to method 'noSuchFunction' with 0 argument(s)");
    expect(compileRule('other.size() > 0').error).toEqual("undeclared reference to 'other'");
    expect(compileRule('self.size( > 0').error).toMatch(/^syntax error: /);
    expect(compileRule('self.noSuchFunction()').evaluate('x')).toEqual({ kind: 'error', error: "undeclared reference to method 'noSuchFunction' with 0 argument(s)" });
    expect(compileRule('self == oldSelf').transition).toBe(true);
  });

  test('the Kubernetes CEL library functions behave as the API server defines them (apiserver/pkg/cel/library)', () => {
    const run = (rule: string, self: unknown = null) => compileRule(rule).evaluate(toCelValue(self, undefined, new WeakMap())).kind;
    // urls.go
    expect(run("url('https://llm.example.com:8443/v1/chat?model=a&model=b').getHost() == 'llm.example.com:8443'")).toBe('passed');
    expect(run("url('https://[::1]:80/').getHostname() == '::1' && url('https://[::1]:80/').getPort() == '80'")).toBe('passed');
    expect(run("url('https://example.com/a%20b').getEscapedPath() == '/a%20b'")).toBe('passed');
    expect(run("url('https://example.com/?model=a&model=b').getQuery()['model'] == ['a', 'b']")).toBe('passed');
    expect(run("url('/v1/chat').getScheme() == '' && isURL('/v1/chat') && !isURL('v1/chat') && !isURL('')")).toBe('passed');
    // lists.go
    expect(run('[1, 2, 2].isSorted() && ![2, 1].isSorted() && [1, 2, 3].sum() == 6 && [1.5, 2.5].sum() == 4.0')).toBe('passed');
    expect(run("[3, 1, 2].min() == 1 && [3, 1, 2].max() == 3 && ['a', 'b', 'a'].indexOf('a') == 0 && ['a', 'b', 'a'].lastIndexOf('a') == 2")).toBe('passed');
    expect(run('[].min() == 0')).toBe('error');
    // regex.go
    expect(run("'gpu-a100-80gb'.find('[0-9]+') == '100' && 'a1b22c333'.findAll('[0-9]+') == ['1', '22', '333'] && 'a1b22c333'.findAll('[0-9]+', 2) == ['1', '22']")).toBe('passed');
    // quantity.go
    expect(run("quantity('1Gi').isGreaterThan(quantity('1G')) && quantity('500m').compareTo(quantity('0.5')) == 0 && quantity('2').asInteger() == 2")).toBe('passed');
    expect(run("isQuantity('8Gi') && !isQuantity('8 GiB') && quantity('1').add(quantity('500m')).asApproximateFloat() == 1.5")).toBe('passed');
    // strings extension and the standard library
    expect(run("'a,b'.split(',') == ['a', 'b'] && 'ABC'.lowerAscii() == 'abc' && 'unix:///x'.substring(7, 8) == '/' && 'a-b'.replace('-', '_') == 'a_b'")).toBe('passed');
    expect(run("duration('100000ms') > duration('1m') && timestamp('2026-01-01T00:00:00Z') > timestamp('2025-01-01T00:00:00Z')")).toBe('passed');
    expect(run("self.matches('^[a-z]+$')", 'abc')).toBe('passed');
    expect(run("self.matches('^[a-z]+$')", 'ab1')).toBe('failed');
  });

  test('messageExpression, message, fieldPath and reason shape the issue as on the API server', () => {
    const schema = (rule: Record<string, unknown>) => ({
      'type': 'object',
      'properties': { min: { type: 'integer' }, max: { type: 'integer' } },
      'x-kubernetes-validations': [{ rule: 'self.min <= self.max', ...rule }],
    });
    const value = { min: 3, max: 2 };
    const findings = (rule: Record<string, unknown>) => ruleFindings(value, schema(rule), 'spec.range', new WeakMap());
    expect(findings({})).toEqual([{ path: 'spec.range', message: 'failed rule: self.min <= self.max' }]);
    expect(findings({ message: 'min must not exceed max' })).toEqual([
      { path: 'spec.range', message: 'min must not exceed max (CEL rule: self.min <= self.max)' },
    ]);
    expect(findings({ message: 'fallback', messageExpression: "'min ' + string(self.min) + ' exceeds max ' + string(self.max)" })).toEqual([
      { path: 'spec.range', message: 'min 3 exceeds max 2 (CEL rule: self.min <= self.max)' },
    ]);
    // a messageExpression that cannot be evaluated falls back to the message
    expect(findings({ message: 'fallback', messageExpression: 'self.nothing' })).toEqual([
      { path: 'spec.range', message: 'fallback (CEL rule: self.min <= self.max)' },
    ]);
    expect(findings({ fieldPath: '.max', reason: 'FieldValueForbidden' })).toEqual([
      { path: 'spec.range.max', message: 'failed rule [FieldValueForbidden]: self.min <= self.max' },
    ]);
    expect(ruleFindings({ min: 1, max: 2 }, schema({}), 'spec.range', new WeakMap())).toEqual([]);
    expect(ruleFindings(value, schema({ rule: 'self.min <= oldSelf.min' }), 'spec.range', new WeakMap())).toEqual([]);
    expect(ruleFindings(value, schema({ rule: 'self.min.noSuch()' }), 'spec.range', new WeakMap())).toEqual([
      { path: 'spec.range', message: "CEL rule does not compile (undeclared reference to method 'noSuch' with 0 argument(s)): self.min.noSuch()" },
    ]);
  });

  test('an error while evaluating a rule is an issue (a missing field read without has())', () => {
    expect(compileRule('self.missing == 1').evaluate(toCelValue({}, { type: 'object', properties: { missing: { type: 'integer' } } }, new WeakMap())))
      .toEqual({ kind: 'error', error: 'field not found: missing' });
  });

  test('Istio 1.30 VirtualService: timeout 0s breaks duration(self) >= duration(\'1ms\')', () => {
    const doc = virtualService();
    doc.spec.http[0].timeout = '0s';
    expect(validateManifests([doc])).toEqual([{
      document: 'VirtualService/default/llm-service',
      path: 'spec.http[0].timeout',
      message: "must be a valid duration greater than 1ms (CEL rule: duration(self) >= duration('1ms'))",
      schema: 'CRD virtualservices.networking.istio.io v1 (istio)',
    }]);
  });

  test('Istio 1.30 RequestAuthentication: a jwksUri without a scheme cannot be parsed by url(), so the rule fails with an error', () => {
    const doc = {
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: { name: 'jwt', namespace: 'default' },
      spec: { jwtRules: [{ issuer: 'https://issuer.example.com', jwksUri: 'issuer.example.com/jwks' }] },
    };
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.jwtRules[0].jwksUri: CEL rule could not be evaluated (URL parse error during conversion from string: "issuer.example.com/jwks"), ' +
        'so the API server rejects the object: url(self).getScheme() in ["http", "https"]',
    ]);
    doc.spec.jwtRules[0].jwksUri = 'ftp://issuer.example.com/jwks';
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.jwtRules[0].jwksUri: url must have scheme http:// or https:// (CEL rule: url(self).getScheme() in ["http", "https"])',
    ]);
    doc.spec.jwtRules[0].jwksUri = 'https://issuer.example.com/jwks';
    expect(validateManifests([doc])).toEqual([]);
  });

  test('Gateway API v1.6.1 HTTPRoute: path values with //, %2F or without a leading / are rejected', () => {
    const route = (value: string, type?: string) => httpRoute({ matches: [{ path: { ...type ? { type } : {}, value } }] });
    expect(problems(validateManifests([route('/foo//bar', 'PathPrefix')]))).toEqual([
      "spec.rules[0].matches[0].path: must not contain '//' when type one of ['Exact', 'PathPrefix'] " +
        "(CEL rule: (self.type in ['Exact','PathPrefix']) ? !self.value.contains('//') : true)",
    ]);
    expect(problems(validateManifests([route('/a%2Fb', 'Exact')]))).toEqual([
      "spec.rules[0].matches[0].path: must not contain '%2F' when type one of ['Exact', 'PathPrefix'] " +
        "(CEL rule: (self.type in ['Exact','PathPrefix']) ? !self.value.contains('%2F') : true)",
    ]);
    // type defaults to PathPrefix before the rules run, as on the API server
    expect(problems(validateManifests([route('v1/chat')]))).toEqual([
      "spec.rules[0].matches[0].path: value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix'] " +
        "(CEL rule: (self.type in ['Exact','PathPrefix']) ? self.value.startsWith('/') : true)",
    ]);
    expect(validateManifests([route('/v1/chat/completions', 'Exact'), route('^/v1/.*', 'RegularExpression')])).toEqual([]);
  });

  test('Gateway API v1.6.1 HTTPRoute: more than 128 matches across the rules of a route are rejected', () => {
    const matches = Array.from({ length: 50 }, (_, i) => ({ path: { type: 'PathPrefix', value: `/m${i}` } }));
    const doc = httpRoute({ matches });
    doc.spec.rules.push({ ...doc.spec.rules[0] }, { ...doc.spec.rules[0] });
    const issues = problems(validateManifests([doc]));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^spec\.rules: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128 \(CEL rule: \(self\.size\(\) > 0 \? self\[0\]\.matches\.size\(\) : 0\) \+ .*\.\.\.\)$/);
    doc.spec.rules.pop();
    expect(validateManifests([doc])).toEqual([]);
  });

  test('Gateway API v1.6.1 HTTPRoute: two parentRefs to the same parent need distinct sectionNames (the field namespace is __namespace__ in CEL)', () => {
    const doc = httpRoute();
    doc.spec.parentRefs = [{ name: 'inference-gateway', namespace: 'infra' }, { name: 'inference-gateway', namespace: 'infra' }];
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.parentRefs: sectionName must be unique when parentRefs includes 2 or more references to the same parent (CEL rule: ' +
        'self.all(p1, self.exists_one(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name && ' +
        "(((!has(p1.__namespace__) || p1.__namespace__ == '') && ...)",
    ]);
    doc.spec.parentRefs[1].namespace = 'other';
    expect(validateManifests([doc])).toEqual([]);
  });

  test('Envoy Gateway v1.8.1 BackendTrafficPolicy: a ConsistentHash load balancer without consistentHash is rejected', () => {
    const policy = (loadBalancer: unknown) => ({
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: 'sticky', namespace: 'default' },
      spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'llm-service' }], loadBalancer },
    });
    expect(validateManifests([policy({ type: 'ConsistentHash' })])).toEqual([{
      document: 'BackendTrafficPolicy/default/sticky',
      path: 'spec.loadBalancer',
      message: 'If LoadBalancer type is consistentHash, consistentHash field needs to be set. ' +
        "(CEL rule: self.type == 'ConsistentHash' ? has(self.consistentHash) : !has(self.consistentHash))",
      schema: 'CRD backendtrafficpolicies.gateway.envoyproxy.io v1alpha1 (envoy-gateway)',
    }]);
    expect(validateManifests([policy({ type: 'ConsistentHash', consistentHash: { type: 'SourceIP' } })])).toEqual([]);
  });

  test('Gateway API v1.6.1 HTTPRoute: a backendRequest timeout longer than the request timeout is rejected (durations compared as durations)', () => {
    expect(problems(validateManifests([httpRoute({ timeouts: { request: '10s', backendRequest: '1m' } })]))).toEqual([
      'spec.rules[0].timeouts: backendRequest timeout cannot be longer than request timeout (CEL rule: !(has(self.request) && ' +
        "has(self.backendRequest) && duration(self.request) != duration('0s') && duration(self.backendRequest) > duration(self.request)))",
    ]);
    expect(validateManifests([httpRoute({ timeouts: { request: '1m', backendRequest: '10s' } })])).toEqual([]);
    expect(validateManifests([httpRoute({ timeouts: { request: '0s', backendRequest: '10s' } })])).toEqual([]);
  });
});

/*
 * The API server's own checks in Go code (kubernetes v1.28 pkg/apis/core/validation/validation.go,
 * apps/validation, policy/validation, networking/validation, autoscaling/validation; apimachinery
 * pkg/util/validation), judged as 'kubernetes API server rules'.
 */
describe('API server built-in checks', () => {
  const BUILTIN = 'kubernetes API server rules';
  const container = (doc: any) => doc.spec.template.spec.containers[0];

  test('the built-in checks are named as their own judge', () => {
    const doc = deployment();
    container(doc).name = 'Server';
    expect(validateManifests([doc])).toEqual([{
      document: 'Deployment/default/llm-service',
      path: 'spec.template.spec.containers[0].name',
      message: 'container name "Server" is not a DNS label: at most 63 characters of lowercase letters, digits and \'-\', starting and ending with a letter or digit',
      schema: BUILTIN,
    }]);
  });

  test('container port names are IANA_SVC_NAMEs, unique, and container ports are 1 to 65535', () => {
    const doc = deployment();
    container(doc).ports = [
      { name: 'http_api', containerPort: 8000 },
      { name: 'metrics-endpoint', containerPort: 9000 },
      { name: '8080', containerPort: 8080 },
      { name: 'a--b', containerPort: 8081 },
      { name: 'ok', containerPort: 0 },
      { name: 'ok', containerPort: 70000 },
    ];
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.template.spec.containers[0].ports[0].name: port name "http_api" is not a valid port name (IANA_SVC_NAME): only lowercase letters, digits and \'-\' are allowed',
      'spec.template.spec.containers[0].ports[1].name: port name "metrics-endpoint" is not a valid port name (IANA_SVC_NAME): it must be 1 to 15 characters',
      'spec.template.spec.containers[0].ports[2].name: port name "8080" is not a valid port name (IANA_SVC_NAME): it must contain at least one letter',
      'spec.template.spec.containers[0].ports[3].name: port name "a--b" is not a valid port name (IANA_SVC_NAME): it must not contain \'--\'',
      'spec.template.spec.containers[0].ports[4].containerPort: containerPort 0 is out of range: must be between 1 and 65535, inclusive',
      'spec.template.spec.containers[0].ports[5].name: duplicate port name "ok"',
      'spec.template.spec.containers[0].ports[5].containerPort: containerPort 70000 is out of range: must be between 1 and 65535, inclusive',
    ]);
  });

  test('env var names follow the Kubernetes 1.28 rule; valueFrom has one source', () => {
    const doc = deployment();
    container(doc).env = [
      { name: 'MODEL_TYPE', value: 'chat' },
      { name: 'vllm.port-1', value: '1' },
      { name: '1ST', value: 'x' },
      { name: 'MY VAR', value: 'x' },
      { name: 'TOKEN', value: 'x', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } },
      { name: 'KEY', valueFrom: { secretKeyRef: { name: 'hf', key: 'a/b' } } },
    ];
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.template.spec.containers[0].env[2].name: env var name "1ST" is not a valid environment variable name (Kubernetes 1.28): letters, digits, \'_\', \'-\' and \'.\', not starting with a digit',
      'spec.template.spec.containers[0].env[3].name: env var name "MY VAR" is not a valid environment variable name (Kubernetes 1.28): letters, digits, \'_\', \'-\' and \'.\', not starting with a digit',
      'spec.template.spec.containers[0].env[4].valueFrom: may not be specified when `value` is not empty',
      'spec.template.spec.containers[0].env[5].valueFrom.secretKeyRef.key: key "a/b" is not a valid data key: 1 to 253 characters of letters, digits, \'-\', \'_\' or \'.\'',
    ]);
  });

  test('resources: quantities are not negative, requests are at most limits, GPUs are whole and requested as limited', () => {
    const doc = deployment();
    container(doc).resources = {
      requests: { 'cpu': '-1', 'memory': '16Gi', 'nvidia.com/gpu': '0.5' },
      limits: { 'memory': '8Gi', 'nvidia.com/gpu': 1, 'gpu': 1 },
    };
    const at = 'spec.template.spec.containers[0].resources';
    expect(problems(validateManifests([doc]))).toEqual([
      `${at}.limits.gpu: resource name "gpu" is not a standard resource (cpu, memory, ephemeral-storage, hugepages-<size>) and has no domain prefix (e.g. nvidia.com/gpu)`,
      `${at}.requests.cpu: must be greater than or equal to 0, got "-1"`,
      `${at}.requests["nvidia.com/gpu"]: must be a whole number for the extended resource "nvidia.com/gpu", got "0.5"`,
      `${at}.requests.memory: must be less than or equal to the memory limit of "8Gi", got "16Gi"`,
      `${at}.requests["nvidia.com/gpu"]: must be equal to the limit for the extended resource "nvidia.com/gpu": request "0.5", limit 1`,
    ]);
    container(doc).resources = { requests: { 'nvidia.com/gpu': 1 } };
    expect(problems(validateManifests([doc]))).toEqual([
      `${at}.requests["nvidia.com/gpu"]: limit must be set for the extended resource "nvidia.com/gpu" (it cannot be overcommitted)`,
    ]);
  });

  test('volumes have DNS-label names, one source, and every mount names one of them', () => {
    const doc = deployment();
    doc.spec.template.spec.volumes = [{ name: 'Cache', emptyDir: {} }, { name: 'config', configMap: { name: 'picker' }, emptyDir: {} }];
    container(doc).volumeMounts = [{ name: 'models', mountPath: '/models' }];
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.template.spec.volumes[0].name: volume name "Cache" is not a DNS label: at most 63 characters of lowercase letters, digits and \'-\', starting and ending with a letter or digit',
      'spec.template.spec.volumes[1]: must specify exactly one volume source, found configMap, emptyDir',
      'spec.template.spec.containers[0].volumeMounts[0].name: volume "models" is not one of the pod\'s volumes',
    ]);
  });

  test('probes: one handler, ports by number 1-65535 or by IANA name, successThreshold 1 for liveness', () => {
    const doc = deployment();
    container(doc).livenessProbe = { httpGet: { path: '/health', port: 'http_port' }, successThreshold: 2 };
    container(doc).readinessProbe = { tcpSocket: { port: 0 } };
    container(doc).startupProbe = { httpGet: { path: '/health', port: 'http' }, exec: { command: ['true'] } };
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.template.spec.containers[0].livenessProbe.httpGet.port: port name "http_port" is not a valid port name (IANA_SVC_NAME): only lowercase letters, digits and \'-\' are allowed',
      'spec.template.spec.containers[0].livenessProbe.successThreshold: must be 1 for a livenessProbe, got 2',
      'spec.template.spec.containers[0].readinessProbe.tcpSocket.port: port 0 is out of range: must be between 1 and 65535, inclusive',
      'spec.template.spec.containers[0].startupProbe: must specify exactly one handler (exec, httpGet, tcpSocket, grpc), found exec, httpGet',
    ]);
  });

  test('Deployment: replicas are not negative, the selector matches the template labels, the rollout can progress', () => {
    const doc = deployment();
    doc.spec.replicas = -1;
    doc.spec.template.metadata.labels = { app: 'other' };
    doc.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } };
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.replicas: must be greater than or equal to 0, got -1',
      'spec.template.metadata.labels: `selector` does not match template `labels`: selector {"matchLabels":{"app":"llm-service"}}, labels {"app":"other"}',
      'spec.strategy.rollingUpdate.maxUnavailable: may not be 0 when `maxSurge` is 0',
    ]);
    const empty = deployment();
    empty.spec.selector = {};
    expect(problems(validateManifests([empty]))).toEqual(['spec.selector: empty selector is invalid for a workload: it would select every pod']);
  });

  test('Service: port names are DNS labels and required with several ports, targetPort is 1-65535 or an IANA name', () => {
    const doc = service();
    doc.spec.ports = [
      { name: 'HTTP', port: 80, targetPort: 'http_port' },
      { port: 9090, targetPort: 0 },
    ];
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.ports[0].name: port name "HTTP" is not a DNS label: at most 63 characters of lowercase letters, digits and \'-\', starting and ending with a letter or digit',
      'spec.ports[0].targetPort: port name "http_port" is not a valid port name (IANA_SVC_NAME): only lowercase letters, digits and \'-\' are allowed',
      'spec.ports[1].name: required: every port of a Service with several ports needs a name',
      'spec.ports[1].targetPort: port 0 is out of range: must be between 1 and 65535, inclusive',
    ]);
  });

  test('PodDisruptionBudget: minAvailable and maxUnavailable exclude each other; percentages are at most 100%', () => {
    const doc = podDisruptionBudget('120%');
    doc.spec.minAvailable = 1;
    expect(problems(validateManifests([doc]))).toEqual([
      'spec: minAvailable and maxUnavailable cannot be both set',
      'spec.maxUnavailable: "120%" must not be greater than 100%',
    ]);
  });

  test('ConfigMap and Secret keys are [-._a-zA-Z0-9]+; a TLS Secret has tls.crt and tls.key', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'picker', namespace: 'default' }, data: { 'config.yaml': 'a', 'bad/key': 'b', '..hidden': 'c' } };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls', namespace: 'default' }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'x' } };
    expect(problems(validateManifests([configMap, secret]))).toEqual([
      'data["bad/key"]: key "bad/key" is not a valid data key: 1 to 253 characters of letters, digits, \'-\', \'_\' or \'.\'',
      'data["..hidden"]: key "..hidden" is not a valid data key: it must not be \'.\' or \'..\' or start with \'..\'',
      'data["tls.key"]: required for a Secret of type kubernetes.io/tls',
    ]);
  });

  test('HorizontalPodAutoscaler: minReplicas at least 1 and at most maxReplicas', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'llm', namespace: 'default' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llm' }, minReplicas: 0, maxReplicas: 2 },
    };
    expect(problems(validateManifests([hpa]))).toEqual(['spec.minReplicas: must be greater than or equal to 1, got 0']);
    hpa.spec.minReplicas = 3;
    expect(problems(validateManifests([hpa]))).toEqual(['spec.maxReplicas: must be greater than or equal to minReplicas (3), got 2']);
  });

  test('Ingress: hosts are DNS names, Prefix paths are clean absolute paths, backends name a Service port once', () => {
    const doc = ingress({});
    doc.spec.rules[0].host = 'LLM.example.com';
    doc.spec.rules[0].http.paths.push(
      { path: 'v1', pathType: 'Prefix', backend: { service: { name: 'llm-service', port: { number: 80, name: 'http' } } } },
      { path: '/v1//chat', pathType: 'Exact', backend: { service: { name: '7b', port: { number: 0 } } } },
    );
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.rules[0].host: host "LLM.example.com" is not a DNS subdomain: at most 253 characters of lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit',
      'spec.rules[0].http.paths[1].path: "v1" must be an absolute path',
      'spec.rules[0].http.paths[1].backend.service.port: must specify exactly one of `name` and `number`',
      'spec.rules[0].http.paths[2].path: "/v1//chat" must not contain \'//\', \'/./\', \'/../\', or \'%2f\'',
      'spec.rules[0].http.paths[2].backend.service.name: Service name "7b" is not a DNS-1035 label: at most 63 characters of lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit',
      'spec.rules[0].http.paths[2].backend.service.port.number: port 0 is out of range: must be between 1 and 65535, inclusive',
    ]);
  });

  test('NetworkPolicy: ports are 1-65535 or IANA names; endPort needs a numeric port at most endPort', () => {
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'picker', namespace: 'default' },
      spec: {
        podSelector: { matchLabels: { app: 'picker' } },
        ingress: [{ ports: [{ port: 'grpc_port' }, { port: 9000, endPort: 8000 }, { port: 'http', endPort: 9000 }] }],
      },
    };
    expect(problems(validateManifests([policy]))).toEqual([
      'spec.ingress[0].ports[0].port: port name "grpc_port" is not a valid port name (IANA_SVC_NAME): only lowercase letters, digits and \'-\' are allowed',
      'spec.ingress[0].ports[1].endPort: must be greater than or equal to `port` (9000), got 8000',
      'spec.ingress[0].ports[2].endPort: may not be specified when `port` is not a number',
    ]);
  });

  test('label selectors: In needs values, Exists takes none', () => {
    const doc = podDisruptionBudget();
    doc.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: [] }, { key: 'tier', operator: 'Exists', values: ['a'] }] };
    expect(problems(validateManifests([doc]))).toEqual([
      'spec.selector.matchExpressions[0].values: must be specified when operator is In',
      'spec.selector.matchExpressions[1].values: may not be specified when operator is Exists',
    ]);
  });
});
