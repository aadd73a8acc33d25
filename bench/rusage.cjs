// Preloaded into a measured process (node --require): writes its CPU time, peak RSS and wall time to BENCH_RUSAGE_FILE at exit.
const {writeFileSync} = require('node:fs');

const file = process.env.BENCH_RUSAGE_FILE;
const started = performance.now();
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    // With --expose-gc: the live heap after a full collection, which a leak would make grow with records.
    if (typeof global.gc === 'function') global.gc();
    const liveHeapMb = process.memoryUsage().heapUsed / 2 ** 20;
    writeFileSync(
      file,
      JSON.stringify({
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
        maxRssMb: usage.maxRSS / 1024,
        wallMs: performance.now() - started,
        liveHeapMb,
      }),
    );
  });
}
