/**
 * Runs `worker` over `tasks` with at most `concurrency` in flight. Tasks are pulled lazily,
 * so a 20,000-case plan never materialises as 20,000 promises. Stops pulling when `signal`
 * aborts; tasks already started finish (their results are kept).
 */
export async function runBounded<T>(
  tasks: Iterable<T>,
  concurrency: number,
  worker: (task: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator = tasks[Symbol.iterator]();
  let failure: unknown;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && !signal?.aborted) {
      const next = iterator.next();
      if (next.done) return;
      try {
        await worker(next.value);
      } catch (error) {
        if (!failed) {
          failed = true;
          failure = error;
        }
      }
    }
  };
  const lanes: Promise<void>[] = [];
  for (let index = 0; index < Math.max(1, concurrency); index++) lanes.push(lane());
  await Promise.all(lanes);
  if (failed) throw failure;
}
