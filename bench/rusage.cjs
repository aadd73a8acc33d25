// Preloaded into a measured process (node --require): writes its CPU time, peak RSS and wall time to BENCH_RUSAGE_FILE at exit.
const {writeFileSync} = require('node:fs');

const file = process.env.BENCH_RUSAGE_FILE;
const started = performance.now();
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
        maxRssMb: usage.maxRSS / 1024,
        wallMs: performance.now() - started,
      }),
    );
  });
}
