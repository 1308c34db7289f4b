/**
 * @module agent/gpu/errors
 * Error codes of the GPU meters.
 */
import { defineError } from '../../core/errors.js';

/** nvidia-smi failed or printed something unparseable during a read. */
export const ERR_GPU_READ = defineError('PP_AGENT_GPU_READ', 502, 1, 'The GPU meter failed to read');
