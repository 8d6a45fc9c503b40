/**
 * Splits a batch into groups of events that cannot affect each other: two events are in the
 * same group when they share an identifier or an identifier of each points at the same profile.
 * Groups keep batch order inside and can be resolved concurrently, which lets a database with a
 * connection pool run the merges of different people side by side.
 */
export function independentGroups<T extends { keys: readonly string[] }>(
  items: readonly T[],
  owners: ReadonlyMap<string, string>,
): T[][] {
  const parent = items.map((_, index) => index);
  const find = (index: number): number => {
    let root = index;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[index] !== root) {
      const next = parent[index]!;
      parent[index] = root;
      index = next;
    }
    return root;
  };
  const firstWith = new Map<string, number>();
  const join = (token: string, index: number) => {
    const other = firstWith.get(token);
    if (other === undefined) firstWith.set(token, index);
    else {
      const a = find(other);
      const b = find(index);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  };
  items.forEach((item, index) => {
    for (const key of item.keys) {
      join(`i:${key}`, index);
      const owner = owners.get(key);
      if (owner !== undefined) join(`p:${owner}`, index);
    }
  });
  const groups = new Map<number, T[]>();
  items.forEach((item, index) => {
    const root = find(index);
    const group = groups.get(root);
    if (group) group.push(item);
    else groups.set(root, [item]);
  });
  return [...groups.values()];
}
