/**
 * @module capping/algorithm/json-schema
 * The capping protocol as one JSON Schema document (`docs/capping-algorithm.schema.json`), generated
 * from the TypeBox schemas of `types.ts` so code and document cannot drift (a test compares them).
 */
import { CAPPING_API_VERSION, CappingDecisionsSchema, CappingStateSchema } from './types.js';

/** The JSON Schema document: `$defs.CappingState` (the POST body) and `$defs.CappingDecisions` (the answer). */
export function cappingProtocolJsonSchema(): Record<string, unknown> {
  const plain = (s: unknown) => JSON.parse(JSON.stringify(s)) as unknown;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://powerplane.io/schemas/capping-algorithm.schema.json',
    title: `powerplane capping algorithm protocol ${CAPPING_API_VERSION}`,
    description:
      'A capping algorithm maps a CappingState to CappingDecisions. A plug-in receives the state as the JSON body of POST and answers the decisions as JSON. powerplane validates the answer and applies floors, cooldown and hysteresis itself.',
    $defs: { CappingState: plain(CappingStateSchema), CappingDecisions: plain(CappingDecisionsSchema) },
  };
}

/** The document as written to `docs/capping-algorithm.schema.json` (2-space JSON, trailing newline). */
export function cappingProtocolJsonSchemaText(): string {
  return JSON.stringify(cappingProtocolJsonSchema(), null, 2) + '\n';
}
