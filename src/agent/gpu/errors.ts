/**
 * @module agent/gpu/errors
 * Error codes of the GPU meters.
 */
import { defineError } from '../../core/errors.js';

/** nvidia-smi failed or printed something unparseable during a read. */
export const ERR_GPU_READ = defineError('PP_AGENT_GPU_READ', 502, 1, 'The GPU meter failed to read');
/** The GPU power-limit action is not usable here (off, no NVML, no GPU). */
export const ERR_GPU_LIMIT_UNAVAILABLE = defineError(
  'PP_AGENT_GPU_LIMIT_UNAVAILABLE',
  503,
  1,
  'The GPU power-limit action is not available on this node',
);
/** A power-limit request names no GPU of this node, or a limit outside the board's range. */
export const ERR_GPU_LIMIT_BAD_REQUEST = defineError('PP_AGENT_GPU_LIMIT_BAD_REQUEST', 400, 2, 'A GPU power-limit request is invalid');
/** NVML refused to set the limit (not root, not supported). */
export const ERR_GPU_LIMIT_FAILED = defineError('PP_AGENT_GPU_LIMIT_FAILED', 502, 1, 'NVML failed to set a GPU power limit');
