/** One page of a listing. Pass `nextCursor` back to get the next page; `null` means the end. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The largest page any port returns, whatever `limit` asks for. */
export const MAX_PAGE_SIZE = 10_000;
/** The page size used when `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 100;
