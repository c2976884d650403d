// BigInt(n) through a small direct-mapped cache. Scenarios repeat their values (`64KiB`, the same
// few addresses mapped, unmapped and mapped again, the same access sizes), and every bigint is
// an allocation the collector copies when it is kept. Bigints are immutable values, so handing
// out a shared one is unobservable. A slot is found from the value's low bits (page multiples
// differ only above bit 12, so higher bits are mixed in) and a newer value simply takes it.
export class BigintCache {
  private readonly keys: Float64Array;
  private readonly values: bigint[];
  private readonly mask: number;

  /** `slots` is a power of two. */
  constructor(slots: number) {
    this.keys = new Float64Array(slots).fill(-1);
    this.values = new Array<bigint>(slots).fill(0n);
    this.mask = slots - 1;
  }

  /** BigInt(n) for an integer n ≥ 0; values above 2^53 are not cached (they are not exact). */
  of(n: number): bigint {
    if (n > Number.MAX_SAFE_INTEGER) return BigInt(n);
    const low = n % 0x1_0000_0000; // the low 32 bits, exactly (n may exceed 2^32)
    const slot = ((low ^ (low >>> 12) ^ (low >>> 24)) >>> 0) & this.mask;
    if (this.keys[slot] === n) return this.values[slot] as bigint;
    const value = BigInt(n);
    this.keys[slot] = n;
    this.values[slot] = value;
    return value;
  }
}
