/** A uniform number in [0, 1) from 4 random bytes (jitter drawn from the `IdGenerator` port's source, so tests fix it). */
export function uniform(bytes: Uint8Array): number {
  const [a = 0, b = 0, c = 0, d = 0] = bytes;
  return (((a << 24) | (b << 16) | (c << 8) | d) >>> 0) / 2 ** 32;
}
