// The throughput floor: pages through one endpoint with the tap's HTTP client and writes each record as a JSON line.
// Usage: node bench/floor.mjs <baseUrl> <token> <path> <recordsKey> <pageSize> [query as JSON] [envelope]
// With "envelope", each line is wrapped as a Singer RECORD (type, stream, time_extracted), to show what the format costs.
import fetch from 'node-fetch';

const [baseUrl, token, path, key, pageSize, query = '{}', envelope] = process.argv.slice(2);
const prefix = `{"type":"RECORD","stream":${JSON.stringify(key)},"record":`;

async function write(chunk) {
  if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

let cursor;
do {
  const params = new URLSearchParams({...JSON.parse(query), 'pagination.count': pageSize});
  if (cursor) params.set('pagination.cursor', cursor);
  const response = await fetch(`${baseUrl}${path}?${params}`, {
    headers: {authorization: `Bearer ${token}`, accept: 'application/vnd.segment.v1+json'},
  });
  const body = JSON.parse(await response.text());
  let out = '';
  if (envelope) {
    const suffix = `,"time_extracted":"${new Date().toISOString()}"}\n`;
    for (const record of body.data[key]) out += `${prefix}${JSON.stringify(record)}${suffix}`;
  } else {
    for (const record of body.data[key]) out += `${JSON.stringify(record)}\n`;
  }
  await write(out);
  cursor = body.data.pagination?.next;
} while (cursor);
