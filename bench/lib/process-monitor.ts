// Watches a process while something runs: peak RSS (sampled every 100 ms; the engine worker
// thread lives in the same process, so its memory counts) and, for this process, main
// event-loop delay.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ProcessMonitorReport extends RssReport {
  /** Longest single stall of main's event loop, from the 10 ms-resolution histogram. */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  loopDelayP50Ms: number;
}

export interface RssReport {
  startRssBytes: number;
  peakRssBytes: number;
  /** Every sample, in order; the median of a quiet stretch is its idle figure. */
  samples: number[];
}

export interface ProcessMonitor {
  stop(): ProcessMonitorReport;
}

export interface RssSampler {
  stop(): RssReport;
}

/** Samples readRss every 100 ms until stopped: this process by default, or another by its pid. */
export function startRssSampler(
  readRss: () => number = () => process.memoryUsage().rss,
): RssSampler {
  const samples = [readRss()];
  // A process that died mid-run cannot be read; the failure surfaces at stop(), not as an
  // uncaught throw from the timer.
  let failure: unknown;
  const sampler = setInterval(() => {
    try {
      samples.push(readRss());
    } catch (error) {
      failure = error;
      clearInterval(sampler);
    }
  }, 100);
  return {
    stop() {
      clearInterval(sampler);
      if (failure) throw failure;
      samples.push(readRss());
      const peakRssBytes = samples.reduce((peak, rss) => Math.max(peak, rss), 0);
      return { startRssBytes: samples[0]!, peakRssBytes, samples };
    },
  };
}

export function startProcessMonitor(): ProcessMonitor {
  const rss = startRssSampler();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  return {
    stop() {
      loop.disable();
      return {
        ...rss.stop(),
        loopDelayMaxMs: loop.max / 1e6,
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        loopDelayP50Ms: loop.percentile(50) / 1e6,
      };
    },
  };
}
