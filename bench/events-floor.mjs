// The event archive floor: every object under a directory → gunzip → split lines → JSON.parse → one Singer RECORD line each.
// Nothing else: no listing rules, no routing, no validation, no state. Usage: node bench/events-floor.mjs <dir>
import {createReadStream} from 'node:fs';
import {readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {createGunzip} from 'node:zlib';

const [dir] = process.argv.slice(2);

async function* walk(path) {
  for (const entry of await readdir(path, {withFileTypes: true})) {
    if (entry.isDirectory()) yield* walk(join(path, entry.name));
    else yield join(path, entry.name);
  }
}

async function write(chunk) {
  if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

const files = [];
for await (const file of walk(dir)) if (file.endsWith('.gz')) files.push(file);
files.sort();
for (const file of files) {
  let rest = '';
  for await (const chunk of createReadStream(file).pipe(createGunzip())) {
    const text = rest + chunk.toString('utf8');
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    let out = '';
    const suffix = `,"time_extracted":"${new Date().toISOString()}"}\n`;
    for (const line of lines) {
      if (line === '') continue;
      const message = JSON.parse(line);
      out += `{"type":"RECORD","stream":"event_${message.type}","record":${JSON.stringify(message)}${suffix}`;
    }
    await write(out);
  }
}
