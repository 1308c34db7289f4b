/**
 * A compact structural validator for the Kubernetes kinds powerplane renders and builds, written
 * from the Kubernetes API reference (v1.30): field names, types, required fields and enums. Unknown
 * fields are errors, so a misspelt field fails the test instead of being pruned silently by the
 * API server. Only the fields of each kind that exist in the API are accepted; fields powerplane
 * never emits are mostly left out, which makes the validator stricter, never looser.
 */

type Schema =
  | { t: 'string'; enum?: readonly string[] }
  | { t: 'integer' }
  | { t: 'number' }
  | { t: 'boolean' }
  | { t: 'intOrString' }
  | { t: 'any' }
  | { t: 'array'; items: Schema | (() => Schema) }
  | { t: 'map'; values: Schema | (() => Schema) }
  | { t: 'object'; props: Record<string, Schema | (() => Schema)>; required?: readonly string[] }
  | { t: 'schemaOrBool'; schema: () => Schema };

const str = (e?: readonly string[]): Schema => ({ t: 'string', enum: e });
const int: Schema = { t: 'integer' };
const num: Schema = { t: 'number' };
const bool: Schema = { t: 'boolean' };
const intOrStr: Schema = { t: 'intOrString' };
const any: Schema = { t: 'any' };
const arr = (items: Schema | (() => Schema)): Schema => ({ t: 'array', items });
const map = (values: Schema | (() => Schema)): Schema => ({ t: 'map', values });
const obj = (props: Record<string, Schema | (() => Schema)>, required: readonly string[] = []): Schema => ({ t: 'object', props, required });
const strs = arr(str());
const strMap = map(str());

const ownerRef = obj({ apiVersion: str(), kind: str(), name: str(), uid: str(), controller: bool, blockOwnerDeletion: bool }, [
  'apiVersion',
  'kind',
  'name',
  'uid',
]);
const objectMeta = obj({
  name: str(),
  generateName: str(),
  namespace: str(),
  labels: strMap,
  annotations: strMap,
  ownerReferences: arr(ownerRef),
  finalizers: strs,
});
const labelSelector = obj({
  matchLabels: strMap,
  matchExpressions: arr(obj({ key: str(), operator: str(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: strs }, ['key', 'operator'])),
});
const seccomp = obj({ type: str(['RuntimeDefault', 'Localhost', 'Unconfined']), localhostProfile: str() }, ['type']);
const probe = obj({
  httpGet: obj({ path: str(), port: intOrStr, host: str(), scheme: str(['HTTP', 'HTTPS']) }, ['port']),
  tcpSocket: obj({ port: intOrStr, host: str() }, ['port']),
  initialDelaySeconds: int,
  periodSeconds: int,
  timeoutSeconds: int,
  failureThreshold: int,
  successThreshold: int,
});
const keyRef = obj({ name: str(), key: str(), optional: bool }, ['key']);
const envVar = obj(
  {
    name: str(),
    value: str(),
    valueFrom: obj({ fieldRef: obj({ fieldPath: str(), apiVersion: str() }, ['fieldPath']), secretKeyRef: keyRef, configMapKeyRef: keyRef }),
  },
  ['name'],
);
const container = obj(
  {
    name: str(),
    image: str(),
    imagePullPolicy: str(['Always', 'IfNotPresent', 'Never']),
    command: strs,
    args: strs,
    workingDir: str(),
    env: arr(envVar),
    ports: arr(obj({ name: str(), containerPort: int, hostPort: int, protocol: str(['TCP', 'UDP', 'SCTP']) }, ['containerPort'])),
    livenessProbe: probe,
    readinessProbe: probe,
    startupProbe: probe,
    resources: obj({ requests: strMap, limits: strMap }),
    securityContext: obj({
      privileged: bool,
      allowPrivilegeEscalation: bool,
      readOnlyRootFilesystem: bool,
      runAsUser: int,
      runAsGroup: int,
      runAsNonRoot: bool,
      capabilities: obj({ add: strs, drop: strs }),
      seccompProfile: seccomp,
    }),
    volumeMounts: arr(obj({ name: str(), mountPath: str(), readOnly: bool, subPath: str() }, ['name', 'mountPath'])),
  },
  ['name'],
);
const volume = obj(
  {
    name: str(),
    hostPath: obj({ path: str(), type: str(['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice']) }, [
      'path',
    ]),
    configMap: obj({ name: str(), defaultMode: int, optional: bool, items: arr(obj({ key: str(), path: str(), mode: int }, ['key', 'path'])) }),
    secret: obj({ secretName: str(), defaultMode: int, optional: bool }),
    emptyDir: obj({ medium: str(), sizeLimit: str() }),
    nfs: obj({ server: str(), path: str(), readOnly: bool }, ['server', 'path']),
    persistentVolumeClaim: obj({ claimName: str(), readOnly: bool }, ['claimName']),
  },
  ['name'],
);
const toleration = obj({
  key: str(),
  operator: str(['Exists', 'Equal']),
  value: str(),
  effect: str(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
  tolerationSeconds: int,
});
const podSpec = obj(
  {
    serviceAccountName: str(),
    automountServiceAccountToken: bool,
    hostPID: bool,
    hostNetwork: bool,
    hostIPC: bool,
    dnsPolicy: str(['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']),
    nodeSelector: strMap,
    tolerations: arr(toleration),
    terminationGracePeriodSeconds: int,
    priorityClassName: str(),
    securityContext: obj({
      runAsUser: int,
      runAsGroup: int,
      runAsNonRoot: bool,
      fsGroup: int,
      supplementalGroups: arr(int),
      seccompProfile: seccomp,
    }),
    containers: arr(container),
    initContainers: arr(container),
    volumes: arr(volume),
  },
  ['containers'],
);
const podTemplate = obj({ metadata: objectMeta, spec: podSpec });
const policyRule = obj({ apiGroups: strs, resources: strs, verbs: strs, resourceNames: strs, nonResourceURLs: strs }, ['verbs']);
const roleRef = obj({ apiGroup: str(), kind: str(['Role', 'ClusterRole']), name: str() }, ['apiGroup', 'kind', 'name']);
const subject = obj({ kind: str(['ServiceAccount', 'User', 'Group']), name: str(), namespace: str(), apiGroup: str() }, ['kind', 'name']);

const webhook = (mutating: boolean) =>
  obj(
    {
      name: str(),
      clientConfig: obj({
        url: str(),
        service: obj({ namespace: str(), name: str(), path: str(), port: int }, ['namespace', 'name']),
        caBundle: str(),
      }),
      rules: arr(
        obj({
          apiGroups: strs,
          apiVersions: strs,
          operations: arr(str(['CREATE', 'UPDATE', 'DELETE', 'CONNECT', '*'])),
          resources: strs,
          scope: str(['Cluster', 'Namespaced', '*']),
        }),
      ),
      failurePolicy: str(['Ignore', 'Fail']),
      matchPolicy: str(['Exact', 'Equivalent']),
      namespaceSelector: labelSelector,
      objectSelector: labelSelector,
      sideEffects: str(['None', 'NoneOnDryRun']),
      timeoutSeconds: int,
      admissionReviewVersions: strs,
      ...(mutating ? { reinvocationPolicy: str(['Never', 'IfNeeded']) } : {}),
    },
    ['name', 'clientConfig', 'sideEffects', 'admissionReviewVersions'],
  );

const jsonSchemaProps = (): Schema =>
  obj({
    type: str(['object', 'array', 'string', 'integer', 'number', 'boolean']),
    format: str(),
    description: str(),
    title: str(),
    default: any,
    enum: arr(any),
    example: any,
    pattern: str(),
    minimum: num,
    maximum: num,
    exclusiveMinimum: bool,
    exclusiveMaximum: bool,
    multipleOf: num,
    minLength: int,
    maxLength: int,
    minItems: int,
    maxItems: int,
    uniqueItems: bool,
    minProperties: int,
    maxProperties: int,
    required: strs,
    properties: map(jsonSchemaProps),
    additionalProperties: { t: 'schemaOrBool', schema: jsonSchemaProps },
    items: jsonSchemaProps,
    nullable: bool,
    'x-kubernetes-preserve-unknown-fields': bool,
    'x-kubernetes-list-type': str(['atomic', 'set', 'map']),
    'x-kubernetes-list-map-keys': strs,
    'x-kubernetes-int-or-string': bool,
    'x-kubernetes-embedded-resource': bool,
    'x-kubernetes-map-type': str(['granular', 'atomic']),
    'x-kubernetes-validations': arr(obj({ rule: str(), message: str(), messageExpression: str(), reason: str(), fieldPath: str() }, ['rule'])),
  });

const crdSpec = obj(
  {
    group: str(),
    names: obj({ kind: str(), listKind: str(), plural: str(), singular: str(), shortNames: strs, categories: strs }, ['kind', 'plural']),
    scope: str(['Cluster', 'Namespaced']),
    versions: arr(
      obj(
        {
          name: str(),
          served: bool,
          storage: bool,
          deprecated: bool,
          deprecationWarning: str(),
          schema: obj({ openAPIV3Schema: jsonSchemaProps }),
          subresources: obj({
            status: obj({}),
            scale: obj({ specReplicasPath: str(), statusReplicasPath: str(), labelSelectorPath: str() }, ['specReplicasPath', 'statusReplicasPath']),
          }),
          additionalPrinterColumns: arr(
            obj(
              {
                name: str(),
                type: str(['integer', 'number', 'string', 'boolean', 'date']),
                format: str(),
                description: str(),
                priority: int,
                jsonPath: str(),
              },
              ['name', 'type', 'jsonPath'],
            ),
          ),
        },
        ['name', 'served', 'storage'],
      ),
    ),
    preserveUnknownFields: bool,
  },
  ['group', 'names', 'scope', 'versions'],
);

const top = (apiVersion: string, props: Record<string, Schema | (() => Schema)>, required: string[] = []) => ({
  apiVersion,
  schema: obj({ apiVersion: str(), kind: str(), metadata: objectMeta, ...props }, ['apiVersion', 'kind', 'metadata', ...required]),
});

/** KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1; a config file, so no metadata), from the kube-scheduler configuration reference. */
const duration = str();
const kubeSchedulerConfiguration = obj(
  {
    apiVersion: str(),
    kind: str(),
    parallelism: int,
    percentageOfNodesToScore: int,
    podInitialBackoffSeconds: int,
    podMaxBackoffSeconds: int,
    delayCacheUntilActive: bool,
    enableProfiling: bool,
    enableContentionProfiling: bool,
    leaderElection: obj({
      leaderElect: bool,
      leaseDuration: duration,
      renewDeadline: duration,
      retryPeriod: duration,
      resourceLock: str(),
      resourceName: str(),
      resourceNamespace: str(),
    }),
    clientConnection: obj({ kubeconfig: str(), acceptContentTypes: str(), contentType: str(), qps: num, burst: int }),
    profiles: arr(
      obj({ schedulerName: str(), percentageOfNodesToScore: int, plugins: any, pluginConfig: arr(obj({ name: str(), args: any }, ['name'])) }),
    ),
    extenders: arr(
      obj(
        {
          urlPrefix: str(),
          filterVerb: str(),
          preemptVerb: str(),
          prioritizeVerb: str(),
          weight: int,
          bindVerb: str(),
          enableHTTPS: bool,
          tlsConfig: obj({
            insecure: bool,
            serverName: str(),
            certFile: str(),
            keyFile: str(),
            caFile: str(),
            certData: str(),
            keyData: str(),
            caData: str(),
          }),
          httpTimeout: duration,
          nodeCacheCapable: bool,
          managedResources: arr(obj({ name: str(), ignoredByScheduler: bool }, ['name'])),
          ignorable: bool,
        },
        ['urlPrefix'],
      ),
    ),
  },
  ['apiVersion', 'kind'],
);

/** The kinds this validator knows, keyed by kind, with their apiVersion. */
export const KIND_SCHEMAS: Record<string, { apiVersion: string; schema: Schema }> = {
  Namespace: top('v1', { spec: obj({ finalizers: strs }) }),
  ServiceAccount: top('v1', { automountServiceAccountToken: bool, imagePullSecrets: arr(obj({ name: str() })) }),
  ConfigMap: top('v1', { data: strMap, binaryData: strMap, immutable: bool }),
  Service: top('v1', {
    spec: obj({
      type: str(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']),
      clusterIP: str(),
      selector: strMap,
      sessionAffinity: str(['ClientIP', 'None']),
      ports: arr(
        obj({ name: str(), port: int, targetPort: intOrStr, protocol: str(['TCP', 'UDP', 'SCTP']), nodePort: int, appProtocol: str() }, ['port']),
      ),
    }),
  }),
  ClusterRole: top('rbac.authorization.k8s.io/v1', { rules: arr(policyRule) }),
  Role: top('rbac.authorization.k8s.io/v1', { rules: arr(policyRule) }),
  ClusterRoleBinding: top('rbac.authorization.k8s.io/v1', { roleRef, subjects: arr(subject) }, ['roleRef']),
  RoleBinding: top('rbac.authorization.k8s.io/v1', { roleRef, subjects: arr(subject) }, ['roleRef']),
  Deployment: top(
    'apps/v1',
    {
      spec: obj(
        {
          replicas: int,
          selector: labelSelector,
          template: podTemplate,
          minReadySeconds: int,
          revisionHistoryLimit: int,
          strategy: obj({ type: str(['RollingUpdate', 'Recreate']), rollingUpdate: obj({ maxUnavailable: intOrStr, maxSurge: intOrStr }) }),
        },
        ['selector', 'template'],
      ),
    },
    ['spec'],
  ),
  DaemonSet: top(
    'apps/v1',
    {
      spec: obj(
        {
          selector: labelSelector,
          template: podTemplate,
          minReadySeconds: int,
          revisionHistoryLimit: int,
          updateStrategy: obj({ type: str(['RollingUpdate', 'OnDelete']), rollingUpdate: obj({ maxUnavailable: intOrStr, maxSurge: intOrStr }) }),
        },
        ['selector', 'template'],
      ),
    },
    ['spec'],
  ),
  ValidatingWebhookConfiguration: top('admissionregistration.k8s.io/v1', { webhooks: arr(webhook(false)) }),
  MutatingWebhookConfiguration: top('admissionregistration.k8s.io/v1', { webhooks: arr(webhook(true)) }),
  CustomResourceDefinition: top('apiextensions.k8s.io/v1', { spec: crdSpec }, ['spec']),
  KubeSchedulerConfiguration: { apiVersion: 'kubescheduler.config.k8s.io/v1', schema: kubeSchedulerConfiguration },
};

function check(value: unknown, s: Schema | (() => Schema), path: string, errs: string[]): void {
  const schema = typeof s === 'function' ? s() : s;
  switch (schema.t) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string') errs.push(`${path}: expected string, got ${JSON.stringify(value)}`);
      else if (schema.enum && !schema.enum.includes(value)) errs.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join('|')}`);
      return;
    case 'integer':
      if (!Number.isInteger(value)) errs.push(`${path}: expected integer, got ${JSON.stringify(value)}`);
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) errs.push(`${path}: expected number`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') errs.push(`${path}: expected boolean, got ${JSON.stringify(value)}`);
      return;
    case 'intOrString':
      if (!Number.isInteger(value) && typeof value !== 'string') errs.push(`${path}: expected int or string`);
      return;
    case 'array':
      if (!Array.isArray(value)) errs.push(`${path}: expected array`);
      else value.forEach((v, i) => check(v, schema.items, `${path}[${i}]`, errs));
      return;
    case 'map':
      if (!value || typeof value !== 'object' || Array.isArray(value)) errs.push(`${path}: expected object`);
      else for (const [k, v] of Object.entries(value)) check(v, schema.values, `${path}.${k}`, errs);
      return;
    case 'schemaOrBool':
      if (typeof value !== 'boolean') check(value, schema.schema, path, errs);
      return;
    case 'object': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        errs.push(`${path}: expected object`);
        return;
      }
      const rec = value as Record<string, unknown>;
      for (const r of schema.required ?? []) if (rec[r] === undefined) errs.push(`${path}.${r}: required`);
      for (const [k, v] of Object.entries(rec)) {
        if (v === undefined) continue;
        const ps = schema.props[k];
        if (!ps) errs.push(`${path}.${k}: unknown field`);
        else check(v, ps, `${path}.${k}`, errs);
      }
    }
  }
}

/** Validates one object against its kind's schema; returns the errors (empty when valid). Unknown kinds are an error. */
export function validateK8sObject(o: { apiVersion?: unknown; kind?: unknown; metadata?: unknown }): string[] {
  const entry = KIND_SCHEMAS[String(o.kind)];
  if (!entry) return [`kind ${String(o.kind)} is not known to the validator`];
  const errs: string[] = [];
  if (o.apiVersion !== entry.apiVersion) errs.push(`apiVersion ${String(o.apiVersion)} is not ${entry.apiVersion}`);
  check(o, entry.schema, String(o.kind), errs);
  return errs;
}
