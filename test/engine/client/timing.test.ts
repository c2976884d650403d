// Debouncing, request ordering, the feedback-loop guard and the restart policy: the timing
// logic of the client, with fake clocks.
import assert from 'node:assert/strict';
import test from 'node:test';
import { Debouncer, type Timers } from '../../../src/debounce';
import { RequestSequencer } from '../../../src/request-sequencer';
import { RestartPolicy } from '../../../src/restart-policy';
import { SelfMoveGuard } from '../../../src/self-move-guard';

class FakeTimers implements Timers {
  now = 0;
  private next = 1;
  private readonly queue = new Map<number, { at: number; callback: () => void }>();
  set(callback: () => void, delayMs: number): unknown {
    const id = this.next++;
    this.queue.set(id, { at: this.now + delayMs, callback });
    return id;
  }
  clear(handle: unknown): void {
    this.queue.delete(handle as number);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.queue].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= this.now) {
        this.queue.delete(id);
        t.callback();
      }
    }
  }
  get pending(): number {
    return this.queue.size;
  }
}

test('the debouncer runs the last action once, after the quiet period', () => {
  const timers = new FakeTimers();
  const d = new Debouncer(timers);
  const ran: string[] = [];
  d.schedule(() => ran.push('first'), 300);
  timers.advance(200);
  d.schedule(() => ran.push('second'), 300);
  timers.advance(200);
  assert.deepEqual(ran, []);
  assert.equal(timers.pending, 1);
  timers.advance(100);
  assert.deepEqual(ran, ['second']);
  assert.equal(d.isPending, false);
});

test('the debouncer can be flushed and cancelled', () => {
  const timers = new FakeTimers();
  const d = new Debouncer(timers);
  const ran: number[] = [];
  d.schedule(() => ran.push(1), 300);
  d.flush();
  assert.deepEqual(ran, [1]);
  assert.equal(timers.pending, 0);
  d.schedule(() => ran.push(2), 300);
  d.cancel();
  timers.advance(1000);
  assert.deepEqual(ran, [1]);
  d.flush(); // nothing pending: no-op
  assert.deepEqual(ran, [1]);
});

test('only the newest request counts', () => {
  const s = new RequestSequencer();
  const first = s.next();
  const second = s.next();
  assert.equal(s.isCurrent(first), false);
  assert.equal(s.isCurrent(second), true);
  s.invalidate();
  assert.equal(s.isCurrent(second), false);
});

test('the guard swallows the echo of our own cursor move, once', () => {
  const guard = new SelfMoveGuard(1000, () => 0);
  const spot = { uri: 'file:///a.drvmap', line: 7, character: 2 };
  guard.expect(spot);
  assert.equal(guard.isEcho({ ...spot, line: 8 }), false, 'a different place is the user');
  assert.equal(guard.isEcho({ ...spot, uri: 'file:///b.drvmap' }), false, 'another file is the user');
  assert.equal(guard.isEcho(spot), true, 'our own move');
  assert.equal(guard.isEcho(spot), false, 'only once: the user may go there again');
});

test('an echo that never came expires, so it cannot swallow a later user move', () => {
  let now = 0;
  const guard = new SelfMoveGuard(1000, () => now);
  const spot = { uri: 'file:///a.drvmap', line: 3, character: 0 };
  guard.expect(spot); // the cursor was already there: VS Code reports nothing
  now = 5000;
  assert.equal(guard.isEcho(spot), false);
});

test('several moves in a row are each recognised', () => {
  const guard = new SelfMoveGuard(1000, () => 0);
  const a = { uri: 'u', line: 1, character: 0 };
  const b = { uri: 'u', line: 2, character: 0 };
  guard.expect(a);
  guard.expect(b);
  assert.equal(guard.isEcho(b), true);
  assert.equal(guard.isEcho(a), true);
  guard.expect(a);
  guard.clear();
  assert.equal(guard.isEcho(a), false);
});

test('the server is restarted up to four times in three minutes, then left stopped', () => {
  let now = 0;
  const policy = new RestartPolicy(4, 180_000, () => now);
  for (let i = 0; i < 4; i++) {
    assert.equal(policy.onCrash(), 'restart', `crash ${i + 1}`);
    now += 10_000;
  }
  assert.equal(policy.onCrash(), 'give-up');
  policy.reset();
  assert.equal(policy.onCrash(), 'restart', 'a manual restart starts afresh');
});

test('crashes far apart never give up', () => {
  let now = 0;
  const policy = new RestartPolicy(4, 180_000, () => now);
  for (let i = 0; i < 20; i++) {
    assert.equal(policy.onCrash(), 'restart');
    now += 60_000;
  }
  assert.ok(policy.recentCrashes <= 4);
});
