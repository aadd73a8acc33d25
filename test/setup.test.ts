// Root hooks: tests never touch the network, and no HTTP mock outlives its test.
import nock from 'nock';

before(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
});

afterEach(() => {
  nock.cleanAll();
});
