/** One version a label serves and its share of traffic in percent (the registry's label targets). */
export interface WeightedTarget {
  version: number;
  weight: number;
}

const encoder = new TextEncoder();

/**
 * The bucket, 0–99, that `key` falls in for a prompt's label: FNV-1a (32-bit) over the UTF-8
 * bytes of `name + "\n" + label + "\n" + key`, then MurmurHash3's 32-bit finaliser, then the
 * unsigned result modulo 100. Chosen over SHA-256 because it is as portable (a dozen lines in any
 * language) and costs about a tenth as much per call; the finaliser spreads keys that differ in
 * one character (`user-1`, `user-2`) over all buckets. Name and label are part of the input so a
 * user in the canary of one prompt is not, for that reason, in the canary of every other.
 */
export function weightedBucket(name: string, label: string, key: string): number {
  let hash = 0x811c9dc5;
  const text = `${name}\n${label}\n${key}`;
  let ascii = true;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code > 0x7f) {
      ascii = false;
      break;
    }
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  if (!ascii) {
    hash = 0x811c9dc5;
    for (const byte of encoder.encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % 100;
}

/**
 * The version a weighted label serves to `key`: the targets in the order the label lists them,
 * each owning `weight` consecutive buckets of 0–99 (`[{v12, 90}, {v13, 10}]`: buckets 0–89 get
 * v12, 90–99 v13); the key's bucket is {@link weightedBucket}. The same name, label and key always
 * get the same version while the targets stay the same. Without a key, a bucket is drawn at random
 * on each call, so traffic splits by weight but one caller may see both versions.
 *
 * @example
 * ```ts
 * chooseWeightedVersion([{ version: 12, weight: 90 }, { version: 13, weight: 10 }], { name: 'support/answer', label: 'production', key: 'user-42' });
 * ```
 */
export function chooseWeightedVersion(targets: readonly WeightedTarget[], options: { name: string; label: string; key?: string }): number {
  if (targets.length === 0) throw new RangeError('A label needs at least one target');
  if (targets.length === 1) return targets[0]!.version;
  const total = targets.reduce((sum, target) => sum + target.weight, 0);
  // Weights sum to 100 on the registry; scaling keeps the rule total for any positive weights.
  const bucket = options.key === undefined ? Math.random() * 100 : weightedBucket(options.name, options.label, options.key);
  const point = (bucket * total) / 100;
  let cumulative = 0;
  for (const target of targets) {
    cumulative += target.weight;
    if (point < cumulative) return target.version;
  }
  return targets[targets.length - 1]!.version;
}
