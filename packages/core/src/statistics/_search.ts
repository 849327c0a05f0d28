// The search behind the minimum detectable differences (internal: not exported from the barrel).

/**
 * The smallest d in (0, room] with sufficient(d), or null when there is none: a scan of `steps`
 * grid points for the first sufficient one, then bisection between it and the point before.
 */
export function smallestSufficient(sufficient: (d: number) => boolean, room: number, steps = 256): number | null {
  let previous = 0;
  for (let step = 1; step <= steps; step++) {
    const d = (room * step) / steps;
    if (sufficient(d)) {
      let low = previous;
      let high = d;
      for (let iteration = 0; iteration < 60 && high - low > 1e-12; iteration++) {
        const middle = (low + high) / 2;
        if (sufficient(middle)) high = middle;
        else low = middle;
      }
      return high;
    }
    previous = d;
  }
  return null;
}
