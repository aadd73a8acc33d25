// The terminal's status line and summary table: literal run facts in, literal lines out, at 40, 80 and 160 columns.
import {expect} from 'chai';
import {timeLeft} from '../src/engine/progress.js';
import {clock, cut, type StatusFacts, statusLine} from '../src/engine/status-line.js';
import {type StreamResult, summaryTable} from '../src/engine/summary.js';

const BUSIEST = [
  {name: 'usage_api_calls_per_source_daily', records: 3276},
  {name: 'destination_subscriptions', records: 128},
  {name: 'source_connected_destinations', records: 60},
  {name: 'tracking_plan_rules', records: 270},
];

const MID_RUN: StatusFacts = {
  done: 24,
  total: 31,
  records: 10_469,
  requests: 199,
  waitedMs: 0,
  elapsedMs: 9_000,
  leftMs: 12_000,
  busiest: BUSIEST,
};

const LONG_RUN: StatusFacts = {
  done: 3,
  total: 31,
  records: 1_234_567,
  requests: 4_321,
  waitedMs: 83_000,
  elapsedMs: 3_725_000,
  leftMs: 7_384_000,
  busiest: BUSIEST,
};

const chars = (text: string) => [...text].length;

describe('status line: one line that fits the terminal', () => {
  it('at 160 columns: every number in words, and the two busiest streams in full', () => {
    expect(statusLine(MID_RUN, 160)).to.equal(
      '24/31 streams, 10,469 records, 199 requests, 0:09 elapsed, ~0:12 left | ' +
        'usage_api_calls_per_source_daily 3,276 rec, destination_subscriptions 128 rec',
    );
    expect(statusLine(LONG_RUN, 160)).to.equal(
      '3/31 streams, 1,234,567 records, 4,321 requests, 1:23 rate-limit waits, 1:02:05 elapsed, ~2:03:04 left | ' +
        'usage_api_calls_per_source_daily 3,276 rec',
    );
  });

  it('at 80 columns: the short numbers, and the busiest name cut to the room left', () => {
    expect(statusLine(MID_RUN, 80)).to.equal(
      '24/31 streams, 10k rec, 199 req, 0:09, ~0:12 left | usage_api_calls_per… 3.3k',
    );
    // No room for a name that says anything: the numbers win.
    expect(statusLine(LONG_RUN, 80)).to.equal(
      '3/31 streams, 1.2M rec, 4.3k req, 1:23 waits, 1:02:05, ~2:03:04 left',
    );
  });

  it('at 40 columns: streams, clock and time left', () => {
    expect(statusLine(MID_RUN, 40)).to.equal('24/31 streams, 0:09, ~0:12 left');
    expect(statusLine(LONG_RUN, 40)).to.equal('3/31 streams, 1:02:05, ~2:03:04 left');
  });

  it('says nothing of time left until it can be estimated, and nothing of waits that did not happen', () => {
    const start: StatusFacts = {
      done: 0,
      total: 31,
      records: 0,
      requests: 1,
      waitedMs: 0,
      elapsedMs: 200,
      busiest: [{name: 'workspace', records: 0}],
    };
    expect(statusLine(start, 80)).to.equal(
      '0/31 streams, 0 records, 1 request, 0:00 elapsed | workspace 0 rec',
    );
    expect(statusLine(start, 40)).to.equal('0/31 streams, 0 rec, 1 req, 0:00');
  });

  it('is never longer than columns - 3 (room for the ^C echo), at any width, however many and long the names', () => {
    const many = Array.from({length: 40}, (_, i) => ({
      name: `stream_with_a_remarkably_long_name_number_${i}`,
      records: 1000 * i,
    }));
    for (const facts of [MID_RUN, LONG_RUN, {...LONG_RUN, busiest: many}]) {
      for (let columns = 2; columns <= 220; columns++) {
        const line = statusLine(facts, columns);
        expect(chars(line), `${columns} columns: ${line}`).to.be.at.most(Math.max(1, columns - 3));
        for (const control of ['\r', '\n', '\x1b']) expect(line).to.not.include(control);
      }
    }
  });

  it('cuts with an ellipsis and formats a clock', () => {
    expect(cut('destination_subscriptions', 10)).to.equal('destinati…');
    expect(cut('labels', 10)).to.equal('labels');
    expect(cut('labels', 0)).to.equal('');
    expect([clock(0), clock(42_000), clock(725_000), clock(3_725_000)]).to.deep.equal([
      '0:00',
      '0:42',
      '12:05',
      '1:02:05',
    ]);
  });
});

describe('time left', () => {
  it('is unknown until a stream finished or a running one can tell how far it is', () => {
    expect(timeLeft(10_000, 0, 0, 31, [])).to.equal(undefined);
    expect(timeLeft(10_000, 0, 0, 31, [{run: {}, startedAt: 0}])).to.equal(undefined);
  });

  it('applies the pace of the finished streams to the rest', () => {
    // 10 of 30 in 20 s: 40 s for the other 20.
    expect(timeLeft(20_000, 0, 10, 30, [])).to.equal(40_000);
  });

  it('is never less than what a running stream that knows its size still needs', () => {
    // 29 of 31 done says 1.4 s; the audit trail, a quarter through after 15 s, needs 45 s more.
    const audit = {run: {progress: {done: 25_000, total: 100_000}}, startedAt: 5_000};
    expect(timeLeft(20_000, 0, 29, 31, [audit])).to.equal(45_000);
    // A listing already read to its end says nothing more.
    const read = {run: {progress: {done: 60, total: 60}}, startedAt: 0};
    expect(timeLeft(20_000, 0, 29, 31, [read])).to.be.closeTo(1379.3, 0.1);
  });
});

describe('summary table', () => {
  const results: StreamResult[] = [
    {name: 'workspace', records: 1, pages: 1, ms: 200, outcome: 'synced'},
    {
      name: 'audit_events',
      records: 0,
      pages: 0,
      ms: 150,
      outcome: 'skipped',
      reason: '403, needs Audit Trail (Business tier)',
    },
    {
      name: 'tracking_plan_rules',
      records: 270,
      pages: 9,
      ms: 3100,
      outcome: 'synced',
      reason: '403 on parent tracking_plans',
    },
    {name: 'usage_api_calls_per_source_daily', records: 3276, pages: 18, ms: 2900, outcome: 'stopped'},
    {name: 'group_users', records: 0, pages: 0, outcome: 'not started'},
  ];

  it('at 160 columns: every stream with records, pages, time and why it was skipped, then the totals', () => {
    expect(summaryTable(results, 65_000, 160)).to.equal(
      [
        'stream                            records  pages  time',
        'workspace                               1      1  0.2s',
        'audit_events                      skipped: 403, needs Audit Trail (Business tier)',
        'tracking_plan_rules                   270      9  3.1s  incomplete: 403 on parent tracking_plans',
        'usage_api_calls_per_source_daily    3,276     18  2.9s  stopped',
        'group_users                       not started',
        '5 streams                           3,547     28  1:05  1 skipped, 2 not finished',
        '',
      ].join('\n'),
    );
  });

  it('at 80 columns: the notes are cut, never the numbers', () => {
    expect(summaryTable(results, 65_000, 80)).to.equal(
      [
        'stream                            records  pages  time',
        'workspace                               1      1  0.2s',
        'audit_events                      skipped: 403, needs Audit Trail (Business ti…',
        'tracking_plan_rules                   270      9  3.1s  incomplete: 403 on par…',
        'usage_api_calls_per_source_daily    3,276     18  2.9s  stopped',
        'group_users                       not started',
        '5 streams                           3,547     28  1:05  1 skipped, 2 not finis…',
        '',
      ].join('\n'),
    );
  });

  it('at 40 columns: the names are cut too', () => {
    expect(summaryTable(results, 65_000, 40)).to.equal(
      [
        'stream             records  pages  time',
        'workspace                1      1  0.2s',
        'audit_events       skipped: 403, needs…',
        'tracking_plan_ru…      270      9  3.1s',
        'usage_api_calls_…    3,276     18  2.9s',
        'group_users        not started',
        '5 streams            3,547     28  1:05',
        '',
      ].join('\n'),
    );
  });

  it('a stream that failed on its own shows its numbers, the failure and a failed count', () => {
    const failed: StreamResult[] = [
      {
        name: 'roles',
        records: 0,
        pages: 1,
        ms: 200,
        outcome: 'failed',
        reason: 'a record does not fit its schema',
      },
      {name: 'users', records: 25, pages: 1, ms: 300, outcome: 'synced'},
    ];
    expect(summaryTable(failed, 1_000, 160)).to.equal(
      [
        'stream        records  pages  time',
        'roles               0      1  0.2s  failed: a record does not fit its schema',
        'users              25      1  0.3s',
        '2 streams          25      2  0:01  1 failed',
        '',
      ].join('\n'),
    );
  });
});
