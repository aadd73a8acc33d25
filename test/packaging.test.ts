// The package as users get it: meltano.yml in step with the settings, and `npm pack` installing offline and running.
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {expect} from 'chai';
import {renderMeltanoYml} from '../dev/meltano-yml.js';
import {SETTINGS} from '../src/config/settings.js';

const root = new URL('..', import.meta.url).pathname;

/**
 * A project that depends on the packed tarball, with a lockfile holding the tarball and the
 * repository's own locked production dependencies. `npm ci --offline` then installs it from the
 * tarballs that the repository's `npm ci` put in the cache, found by their integrity: no registry
 * metadata is needed, so it works on a machine whose npm cache was empty before `npm ci` (as in CI).
 */
function projectDependingOn(tarball: string): string {
  const project = mkdtempSync(join(tmpdir(), 'tap-segment-install-'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': {name: 'install-probe', dependencies: {'tap-segment': spec}},
    'node_modules/tap-segment': {
      version: pkg.version,
      resolved: spec,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  // The lockfile omits `resolved` (omit-lockfile-registry-resolved), and npm would then look up
  // each package's registry metadata, which `npm ci` does not keep in the cache: each entry gets
  // its registry tarball URL, so npm finds the tarball in the cache by its integrity alone.
  const registry = (process.env.npm_config_registry ?? 'https://registry.npmjs.org/').replace(/\/?$/, '/');
  type Locked = {dev?: boolean; version: string; resolved?: string};
  for (const [path, entry] of Object.entries(lock.packages as Record<string, Locked>)) {
    if (path === '' || entry.dev) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const file = `${name.split('/').at(-1)}-${entry.version}.tgz`;
    packages[path] = {resolved: `${registry}${name}/-/${file}`, ...entry};
  }
  const manifest = {name: 'install-probe', private: true, dependencies: {'tap-segment': spec}};
  writeFileSync(join(project, 'package.json'), JSON.stringify(manifest));
  writeFileSync(
    join(project, 'package-lock.json'),
    JSON.stringify({name: 'install-probe', lockfileVersion: 3, requires: true, packages}),
  );
  return project;
}

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
    const project = projectDependingOn(tarball);
    // Offline: the tarball from disk, every dependency from the npm cache that `npm ci` filled.
    execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], {cwd: project, stdio: 'pipe'});
    const bin = join(project, 'node_modules', '.bin', 'tap-segment');
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
    expect(execFileSync(bin, ['--version'], {encoding: 'utf8'})).to.equal(`tap-segment v${version}\n`);
    const catalog = JSON.parse(execFileSync(bin, ['--discover'], {encoding: 'utf8'}));
    expect(catalog.streams.length).to.be.greaterThan(30);
    // The bundled dependencies (dist/vendor/, imported as #vendor/*) load from the installed
    // package: each source's client gets as far as a refused connection on a closed loopback port.
    const probes = {
      'public-api.json': {api_token: 'sgp_packaging_probe_1234', base_url: 'http://127.0.0.1:9'},
      's3.json': {
        events_s3_bucket: 'probe-bucket',
        events_s3_endpoint: 'http://127.0.0.1:9',
        events_s3_force_path_style: true,
        events_aws_access_key_id: 'AKIDPACKAGINGPROBE',
        events_aws_secret_access_key: 'packaging-probe-secret',
      },
    };
    for (const [name, config] of Object.entries(probes)) {
      writeFileSync(join(project, name), JSON.stringify({...config, max_retries: 0}));
      const test = spawnSync(bin, ['--config', join(project, name), '--test'], {encoding: 'utf8'});
      expect(test.status, test.stderr).to.equal(1);
      expect(test.stderr, name).to.match(/^CRITICAL connection test failed: .*ECONNREFUSED/m);
    }
  });
});
