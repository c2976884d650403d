import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BigintCache } from '../../server/src/engine/bigint-cache';

test('BigintCache gives BigInt(n) for every n, across slot collisions, above 2^32 and above 2^53', () => {
  const cache = new BigintCache(16); // tiny: most values below collide with one another
  const values = [
    0,
    1,
    4096,
    65536,
    0x7fff_f7ef_f000,
    2 ** 32,
    2 ** 32 + 4096,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 60,
  ];
  for (let i = 0; i < 200; i++) values.push(i * 4096, i * 17, 0x7f00_0000_0000 + i * 0x1000);
  for (let round = 0; round < 3; round++)
    for (const n of values) assert.equal(cache.of(n), BigInt(n), `n = ${n}`);
});
