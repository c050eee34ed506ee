'use strict';

/**
 * Response times at microsecond resolution. autocannon's own histogram keeps whole
 * milliseconds, too coarse for a p99 of a few ms on loopback, so the bench records the
 * response time autocannon reports for every 2xx answer itself: one counter per µs up to
 * one second, the rare slower ones kept as they are.
 */
const RANGE_MICROS = 1_000_000;

class LatencyRecorder {
  constructor() {
    this.counts = new Uint32Array(RANGE_MICROS);
    this.slow = [];
    this.total = 0;
    this.sumMicros = 0;
  }

  /** Records one response time, in milliseconds as autocannon gives it. */
  record(ms) {
    const micros = Math.round(ms * 1000);
    if (micros < RANGE_MICROS) this.counts[micros]++;
    else this.slow.push(micros);
    this.total++;
    this.sumMicros += micros;
  }

  /** The response time (ms) that `percent` % of responses did not exceed. */
  percentile(percent) {
    if (this.total === 0) return NaN;
    const rank = Math.ceil((percent / 100) * this.total);
    let seen = 0;
    for (let micros = 0; micros < RANGE_MICROS; micros++) {
      seen += this.counts[micros];
      if (seen >= rank) return micros / 1000;
    }
    const slow = [...this.slow].sort((a, b) => a - b);
    return slow[Math.min(slow.length - 1, rank - seen - 1)] / 1000;
  }

  summary() {
    const max = this.slow.length > 0 ? Math.max(...this.slow) / 1000 : this.percentile(100);
    return { p50: this.percentile(50), p90: this.percentile(90), p99: this.percentile(99), max, mean: this.total === 0 ? NaN : this.sumMicros / this.total / 1000 };
  }
}

module.exports = { LatencyRecorder };
