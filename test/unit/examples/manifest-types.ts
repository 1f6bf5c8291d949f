// Plain shapes shared by the manifest checks and the k6-operator model (no dependencies, so the
// end-to-end tests can import k6-operator.ts without the schema packages).
export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface FieldType {
  /** JSON field name. */
  readonly baseName: string;
  /** Type as @kubernetes/client-node's models spell it: `string`, `Array<V1EnvVar>`, `{ [key: string]: string; }`, `V1Volume`. */
  readonly type: string;
}

/** Field tables by type name. */
export type TypeTable = Readonly<Record<string, readonly FieldType[]>>;
