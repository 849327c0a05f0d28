/**
 * Runs `worker` over `tasks` with at most `concurrency` in flight. Tasks are pulled lazily,
 * so a 20,000-case plan never materialises as 20,000 promises. Stops pulling when `signal`
 * aborts; tasks already started finish (their results are kept).
 */
export async function runBounded<T>(
  tasks: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  worker: (task: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  // An async source (cases read from a file) is pulled one task at a time: lanes wait in turn.
  const iterator: Iterator<T> | AsyncIterator<T> = Symbol.asyncIterator in tasks ? tasks[Symbol.asyncIterator]() : tasks[Symbol.iterator]();
  let failure: unknown;
  let failed = false;
  let exhausted = false;
  const fail = (error: unknown) => {
    if (!failed) {
      failed = true;
      failure = error;
    }
  };
  const lane = async (): Promise<void> => {
    while (!failed && !signal?.aborted) {
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        // The source itself failed (a dataset file that cannot be read): the run stops as for a task.
        exhausted = true;
        fail(error);
        return;
      }
      if (next.done) {
        exhausted = true;
        return;
      }
      try {
        await worker(next.value);
      } catch (error) {
        fail(error);
      }
    }
  };
  const lanes: Promise<void>[] = [];
  for (let index = 0; index < Math.max(1, concurrency); index++) lanes.push(lane());
  await Promise.all(lanes);
  // Stopped early: close the source (a file being read) instead of leaving it open.
  if (!exhausted) await iterator.return?.();
  if (failed) throw failure;
}
