/** The local server's token bucket, on a clock of the test's own. */
import { tokenBucket } from '../../lib/serve/throttle';

describe('token bucket', () => {
  it('allows the burst, then refills at the rate', () => {
    let now = 0;
    const take = tokenBucket({ ratePerSecond: 2, burst: 2, now: () => now });
    const p = 'key:k1';
    take(p);
    take(p);
    expect(() => take(p)).toThrow(expect.objectContaining({ code: 'throttled' }));
    now += 499;
    expect(() => take(p)).toThrow();
    now += 2;
    expect(() => take(p)).not.toThrow();
    now += 10_000; // never more than the burst
    take(p);
    take(p);
    expect(() => take(p)).toThrow();
  });

  it('keeps one bucket per caller, keys and addresses alike', () => {
    const take = tokenBucket({ ratePerSecond: 1, burst: 1, now: () => 0 });
    take('key:k1');
    take('address:198.51.100.7');
    take('address:198.51.100.8');
    expect(() => take('address:198.51.100.7')).toThrow(
      expect.objectContaining({ message: 'too many requests from this address' }),
    );
    expect(() => take('key:k1')).toThrow(
      expect.objectContaining({ message: 'too many requests for this key' }),
    );
  });
});
