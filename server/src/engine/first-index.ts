// The binary search the sorted indexes share (mapped objects by address, known trace mappings,
// emptied ranges, steps by offset): the first index whose element is not before the key.

/**
 * The first index in [0, count) for which `before(i)` is false, where `before` holds for a prefix
 * of the indexes (count when it holds for all).
 */
export function firstIndex(count: number, before: (index: number) => boolean): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (before(middle)) low = middle + 1;
    else high = middle;
  }
  return low;
}
