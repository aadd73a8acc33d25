// Preloaded into a spawned CLI (NODE_OPTIONS=--require): writes the largest new-space size seen after any GC to HEAP_PROBE_FILE at exit.
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
  writeFileSync(process.env.HEAP_PROBE_FILE, JSON.stringify({newSpaceBytes: largest}));
});
