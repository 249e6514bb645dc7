/** Readable ids, numbered per prefix within a run (`evt-1`, `evt-2`, `gx-1`…): the same every replay. */
export interface IdGenerator {
  next(prefix: string): string;
}

export function countingIds(): IdGenerator {
  const counts = new Map<string, number>();
  return {
    next(prefix) {
      const n = (counts.get(prefix) ?? 0) + 1;
      counts.set(prefix, n);
      return `${prefix}-${n}`;
    },
  };
}
