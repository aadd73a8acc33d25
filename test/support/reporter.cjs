// Mocha's dot reporter plus one plain closing line, "N passed, N failed", that CI tools read.
const Mocha = require('mocha');

class DotWithTotals extends Mocha.reporters.Dot {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const {passes, failures, pending} = this.stats;
      process.stdout.write(
        `tests: ${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}\n`,
      );
    });
  }
}

module.exports = DotWithTotals;
