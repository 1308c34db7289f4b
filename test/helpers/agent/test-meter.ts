/**
 * @module test/helpers/agent/test-meter
 * A scripted {@link NodeMeter} for tests of the agent core: each read returns the next scripted
 * per-zone deltas (the first read is the baseline, zero), so tests know exactly what energy to expect.
 */
import type { NodeMeter, ZoneDescriptor, MeterSample, MeterReadContext } from '../../../src/agent/types.js';
import type { MeterInfo } from '../../../src/core/contracts.js';

/** A meter that returns `deltas[zoneIndex]` µJ on every read after the first. */
export class ScriptedMeter implements NodeMeter {
  readonly info: MeterInfo;
  readonly contexts: MeterReadContext[] = [];
  private readonly zoneList: ZoneDescriptor[];
  private reads = 0;
  /** Deltas returned per read (µJ per zone); change between reads to script power. */
  deltas: number[];

  constructor(zones: ZoneDescriptor[], deltas: number[], info: MeterInfo = { name: 'fake', estimated: false }) {
    this.zoneList = zones;
    this.deltas = deltas;
    this.info = info;
  }

  zones(): ZoneDescriptor[] {
    return this.zoneList;
  }

  async read(ctx: MeterReadContext): Promise<MeterSample> {
    this.contexts.push(ctx);
    const first = this.reads++ === 0;
    return {
      zones: this.zoneList.map((z, i) => ({ zone: z.zone, path: z.path, deltaMicroJoules: first ? 0 : (this.deltas[i] ?? 0) })),
      dropped: [],
    };
  }
}
