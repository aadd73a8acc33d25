// The package as users get it: meltano.yml in step with the settings, and `npm pack` installing offline and running.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {expect} from 'chai';
import {renderMeltanoYml} from '../dev/meltano-yml.js';
import {SETTINGS} from '../src/config.js';

const root = new URL('..', import.meta.url).pathname;

describe('packaging', function () {
  this.timeout(180_000);

  it('meltano.yml is what the settings render to (run `npm run meltano-yml` after changing a setting)', () => {
    const committed = readFileSync(join(root, 'meltano.yml'), 'utf8');
    expect(committed).to.equal(renderMeltanoYml());
    for (const name of Object.keys(SETTINGS)) expect(committed).to.include(`- name: ${name}\n`);
    expect(committed).to.match(/- name: api_token\n(?:.*\n){2}\s+kind: string\n\s+sensitive: true/);
  });

  it('packs a tarball with only dist and schemas that installs offline and runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tap-segment-pack-'));
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {cwd: root, encoding: 'utf8'}),
    );
    const files = (packed[0].files as {path: string}[]).map((f) => f.path);
    expect(files).to.include.members([
      'package.json',
      'README.md',
      'LICENSE',
      'dist/cli.js',
      'schemas/sources.json',
    ]);
    expect(files.filter((f) => /^(src|test|dev|bench)\//.test(f) || f.endsWith('.map'))).to.deep.equal([]);
    const tarball = join(dir, packed[0].filename as string);
    const project = mkdtempSync(join(tmpdir(), 'tap-segment-install-'));
    execFileSync('npm', ['init', '-y'], {cwd: project, stdio: 'ignore'});
    // Offline: every dependency must come from the npm cache that `npm ci` filled.
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], {
      cwd: project,
      stdio: 'pipe',
    });
    const bin = join(project, 'node_modules', '.bin', 'tap-segment');
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
    expect(execFileSync(bin, ['--version'], {encoding: 'utf8'})).to.equal(`tap-segment v${version}\n`);
    const catalog = JSON.parse(execFileSync(bin, ['--discover'], {encoding: 'utf8'}));
    expect(catalog.streams.length).to.be.greaterThan(30);
  });
});
