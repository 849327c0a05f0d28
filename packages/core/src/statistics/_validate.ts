// Argument checks shared by the statistics procedures (internal: not exported from the barrel).

/** Throws RangeError unless 0 < confidence < 1. Shared by every procedure that takes a confidence level. */
export function assertConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
}

/** Throws RangeError unless `rate` is a probability in [0, 1]. */
export function assertRate(name: string, rate: number): void {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${rate}`);
}

/** Throws RangeError unless `value` is an integer ≥ `minimum`. */
export function assertInteger(name: string, value: number, minimum = 0): void {
  if (!Number.isInteger(value) || value < minimum) throw new RangeError(`${name} must be an integer ≥ ${minimum}, got ${value}`);
}

/** Throws RangeError unless every value is finite. */
export function assertFinite(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`${name}[${i}] is not a finite number: ${values[i]}`);
  }
}
