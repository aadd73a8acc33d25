// Preloaded into a spawned CLI (NODE_OPTIONS=--require): at exit, keeps a burst of objects alive, then writes the largest new-space size seen to HEAP_PROBE_FILE.
const {writeFileSync} = require('node:fs');
const {PerformanceObserver} = require('node:perf_hooks');
const {getHeapSpaceStatistics} = require('node:v8');

let largest = 0;
const sample = () => {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  largest = Math.max(largest, space ? space.space_size : 0);
};
new PerformanceObserver(sample).observe({entryTypes: ['gc']});
process.on('exit', () => {
  sample();
  // V8 grows new space after scavenges that keep much of it alive. A sync keeps little (its
  // batches die once written), so whether it grows past the tap's cap depends on the workload;
  // a burst of ~30 MB that all stays alive makes it grow to V8's own maximum unless the tap
  // stopped its growth. Sampled as it goes: the observer's callbacks do not run during exit.
  const kept = [];
  for (let i = 0; i < 1_500_000; i++) {
    kept.push({i});
    if (i % 10_000 === 0) sample();
  }
  sample();
  writeFileSync(process.env.HEAP_PROBE_FILE, JSON.stringify({newSpaceBytes: largest, kept: kept.length}));
});
