/**
 * @module kube/write-counter
 * Counts write requests a KubeClient sends, by verb and by kind, so tests and benchmarks can assert
 * "a second reconcile writes nothing" from the client's side.
 */
import type { WriteVerb } from './types.js';

/** Counts writes by verb and kind. Pass one to {@link KubeClient} as `writeCounter`. */
export class WriteCounter {
  readonly #byVerb = new Map<WriteVerb, number>();
  readonly #byKind = new Map<string, number>();

  /** Records one write request. */
  record(verb: WriteVerb, kind: string): void {
    this.#byVerb.set(verb, (this.#byVerb.get(verb) ?? 0) + 1);
    this.#byKind.set(kind, (this.#byKind.get(kind) ?? 0) + 1);
  }

  /** Writes of one verb, or all writes when `verb` is omitted. */
  count(verb?: WriteVerb): number {
    if (verb) return this.#byVerb.get(verb) ?? 0;
    let total = 0;
    for (const n of this.#byVerb.values()) total += n;
    return total;
  }

  /** Writes per verb (verbs never used are absent). */
  byVerb(): Partial<Record<WriteVerb, number>> {
    return Object.fromEntries(this.#byVerb) as Partial<Record<WriteVerb, number>>;
  }

  /** Writes per kind. */
  byKind(): Record<string, number> {
    return Object.fromEntries(this.#byKind);
  }

  /** Sets every count back to zero. */
  reset(): void {
    this.#byVerb.clear();
    this.#byKind.clear();
  }
}
