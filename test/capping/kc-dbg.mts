import { startFakeKube } from '/work/wt/capctl/test/helpers/kube.ts';
const { api } = await startFakeKube({ crds: true, seed: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'powerplane-system' } }] });
console.log(api.kubeconfigPath);
setTimeout(() => api.stop(), 60000);
