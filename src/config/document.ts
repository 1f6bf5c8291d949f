// The k6 config file as data: parse text into a JSON object or say precisely why not.
// Pure: the caller reads and writes bytes.
import { z } from 'zod';

export type ConfigObject = Record<string, unknown>;

export type ParsedConfig =
  | { ok: true; config: ConfigObject; empty: boolean }
  | { ok: false; problem: string };

const objectSchema = z.record(z.string(), z.unknown());

// k6 rejects a document whose `collectors` or `collectors.cloud` is not an object, and a merge
// into such a document could only lose data, so both count as unparseable.
const shapeSchema = z
  .object({
    collectors: z
      .record(z.string(), z.unknown())
      .and(z.object({ cloud: objectSchema.optional() }))
      .optional(),
  })
  .loose();

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function parseConfigText(text: string): ParsedConfig {
  // Go's encoding/json (k6) refuses a byte-order mark, so accepting it here would only move the failure.
  if (text.startsWith('\uFEFF')) {
    return { ok: false, problem: 'it starts with a byte-order mark (BOM), which k6 cannot read' };
  }
  // An empty file holds nothing to lose; a crashed non-atomic k6 write leaves exactly this.
  if (text.trim() === '') return { ok: true, config: {}, empty: true };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `it is not valid JSON (${detail})` };
  }
  const asObject = objectSchema.safeParse(value);
  if (!asObject.success || value === null || Array.isArray(value)) {
    return { ok: false, problem: `it holds ${describe(value)}, not a JSON object` };
  }
  const shape = shapeSchema.safeParse(value);
  if (!shape.success) {
    return { ok: false, problem: '"collectors" or "collectors.cloud" in it is not a JSON object' };
  }
  // zod validates; the parsed value itself is kept, because zod rebuilds records by assignment
  // and would turn an own "__proto__" key (which the user's file may hold) into a prototype.
  return { ok: true, config: value as ConfigObject, empty: false };
}

/** Two-space indentation and a final newline, as k6 writes it. */
export function serializeConfig(config: ConfigObject): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function cloudSection(config: ConfigObject): Record<string, unknown> {
  // Own properties only: a key named like an Object.prototype member must never be read through it.
  const collectors = Object.hasOwn(config, 'collectors') ? config['collectors'] : undefined;
  if (collectors === null || typeof collectors !== 'object' || Array.isArray(collectors)) return {};
  const cloud = Object.hasOwn(collectors, 'cloud') ? (collectors as Record<string, unknown>)['cloud'] : undefined;
  if (cloud === null || typeof cloud !== 'object' || Array.isArray(cloud)) return {};
  return cloud as Record<string, unknown>;
}
