// Watches this process while something runs: peak RSS (sampled every 100 ms; the engine worker
// thread lives in this process, so its memory counts) and main event-loop delay.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ProcessMonitorReport {
  startRssBytes: number;
  peakRssBytes: number;
  /** Longest single stall of main's event loop, from the 10 ms-resolution histogram. */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  loopDelayP50Ms: number;
}

export interface ProcessMonitor {
  stop(): ProcessMonitorReport;
}

export function startProcessMonitor(): ProcessMonitor {
  const startRssBytes = process.memoryUsage().rss;
  let peakRssBytes = startRssBytes;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  }, 100);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  return {
    stop() {
      clearInterval(sampler);
      loop.disable();
      peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
      return {
        startRssBytes,
        peakRssBytes,
        loopDelayMaxMs: loop.max / 1e6,
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        loopDelayP50Ms: loop.percentile(50) / 1e6,
      };
    },
  };
}
