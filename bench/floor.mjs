// The throughput floor (issue 17): pages through one endpoint with the tap's HTTP client and prints each item as a Singer RECORD line.
// Usage: node bench/floor.mjs <baseUrl> <token> <path> <recordsKey> <pageSize> [query as JSON] [bare]
// The RECORD line is the tap's own (type, stream, record, time_extracted). With "bare", each item
// is a plain JSON line instead, to show what the Singer envelope itself costs.
import fetch from 'node-fetch';

const [baseUrl, token, path, key, pageSize, query = '{}', bare] = process.argv.slice(2);
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
  if (bare) {
    for (const record of body.data[key]) out += `${JSON.stringify(record)}\n`;
  } else {
    const suffix = `,"time_extracted":"${new Date().toISOString()}"}\n`;
    for (const record of body.data[key]) out += `${prefix}${JSON.stringify(record)}${suffix}`;
  }
  await write(out);
  cursor = body.data.pagination?.next;
} while (cursor);
