/**
 * @module cli/commands
 * The table of the `powerplane` commands: per component module, its commands with their one-line
 * summaries, and how to load it.
 */
import type { Command } from 'commander';

/** Registers a module's commands on the program. */
export type Register = (program: Command) => void;

/**
 * Each component's commands (name → one-line summary for the top-level help) and the module that
 * registers them. Only the invoked command's module is imported, so `powerplane agent` never loads the
 * operator's Kubernetes client or the model trainers (memory on every node, start-up time); the
 * top-level help, `version` and unknown commands load none (the summaries stand in for them).
 */
export const COMMAND_MODULES: ReadonlyArray<{ commands: Readonly<Record<string, string>>; load: () => Promise<Register> }> = [
  {
    commands: { up: 'run agent, model server, estimator and dashboard for this machine (default 127.0.0.1:28282)' },
    load: async () => (await import('./up.js')).registerUpCommand,
  },
  {
    commands: { agent: 'run the node agent: per-process, container, pod and VM energy with Kepler-compatible /metrics (default 0.0.0.0:28282)' },
    load: async () => (await import('../agent/command.js')).registerAgentCommands,
  },
  {
    commands: {
      'model-server': 'run the model server: model store, training jobs, Kepler-compatible routes, Open Inference Protocol v2 (default 0.0.0.0:8100)',
      train: "train power models offline from CSV, Prometheus or the agent's calibration file into a model directory",
      model: 'list, show, import and try power models',
    },
    load: async () => (await import('../modelserver/command.js')).registerModelServerCommands,
  },
  {
    commands: {
      estimator: 'run the WAO-compatible power-consumption estimator (default 0.0.0.0:5656)',
      estimate: 'ask an estimator how many watts N workloads add (WAO estimator-cli): powerplane estimate -p 500,5 pc',
    },
    load: async () => (await import('../estimator/command.js')).registerEstimatorCommands,
  },
  {
    commands: { place: "split N workloads across clusters so they add the fewest watts, asking each cluster's estimator" },
    load: async () => (await import('../estimator/placement/command.js')).registerPlaceCommand,
  },
  {
    commands: {
      operator:
        'run the operator: controllers for PowerMonitor, PowerNode, Estimator and PowerCapPolicy, admission webhook (default :9443), health and /metrics (default :8081)',
      render:
        'print the install manifests (CRDs, namespace, RBAC, operator Deployment, webhook) as YAML for kubectl apply -f -; --scheduler adds the power-aware secondary scheduler',
    },
    load: async () => (await import('../operator/command.js')).registerOperatorCommands,
  },
  {
    commands: { cap: 'power capping: simulate algorithms, the algorithm catalog' },
    load: async () => (await import('../capping/cli/command.js')).loadCapCommands(),
  },
  {
    commands: { top: "live table of the top workloads by power, from an agent's JSON API (default http://127.0.0.1:28282)" },
    load: async () => (await import('../dashboard/command.js')).registerDashboardCommands,
  },
];
