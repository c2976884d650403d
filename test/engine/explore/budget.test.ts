// An exploration is bounded: a space past MAX_BEHAVIOURS is refused up front with a message,
// and a deadline stops one that runs too long (the server's request passes one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explore, ExploreBudgetExceeded, MAX_BEHAVIOURS } from '../../../server/src/engine/explore/explore';
import { openDriversScenario } from './helpers';

const openDrivers = (count: number) => openDriversScenario(['gpu', 'igpu', 'third'].slice(0, count));

test('three drivers with every trait open are refused at once, saying how many behaviours', () => {
  const started = Date.now();
  const result = explore(openDrivers(3));
  assert.deepEqual(result.scenarios, []);
  assert.equal(result.problems.length, 1);
  assert.match(
    result.problems[0]!,
    new RegExp(
      `opens [\\d,]+ behaviours \\(21 open driver traits over 3 drivers\\), more than drvmap explores at once \\(${MAX_BEHAVIOURS.toLocaleString('en-US')}\\)`,
    ),
  );
  assert.ok(Date.now() - started < 5000);
});

test('one open driver is explored as before', () => {
  const result = explore(openDrivers(1));
  assert.deepEqual(result.problems, []);
  assert.ok((result.scenarios[0]?.total ?? 0) > 0);
});

test('a deadline already passed stops the exploration with ExploreBudgetExceeded', () => {
  assert.throws(() => explore(openDrivers(1), { deadline: Date.now() - 1 }), ExploreBudgetExceeded);
});

test('kernel versions count too, and the message says so', () => {
  const result = explore(openDrivers(2), { kernels: true });
  assert.match(
    result.problems[0] ?? '',
    /\(14 open driver traits over 2 drivers × 4 kernels\).*or explore without --kernels$/,
  );
});
