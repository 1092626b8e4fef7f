/**
 * One run at a time of `run`, however often it is asked for: a call while a run is under way gets one
 * more run after it, shared by every call made meanwhile. For work that covers everything up to the
 * moment it starts (the audit anchor signs every head changed since the last anchor), so a burst of
 * requests costs two runs, not one each. Each call resolves with the result of a run that started
 * after the call was made.
 */
export function coalesce<T>(run: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = (): Promise<T> => {
    current = run().finally(() => {
      current = undefined;
    });
    return current;
  };
  return () => {
    if (!current) return start();
    next ??= current
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}
