# The singer-python peer: pages through one endpoint like bench/floor.mjs, and runs singer-python's
# per-record loop on each item (Transformer.transform against the tap's own schema, then write_record).
# Usage: python bench/peer.py <baseUrl> <token> <path> <recordsKey> <pageSize> <schema.json> [query as JSON]
import json
import sys
import urllib.parse
import urllib.request

import singer
from singer.transform import Transformer

base_url, token, path, key, page_size, schema_file = sys.argv[1:7]
query = json.loads(sys.argv[7]) if len(sys.argv) > 7 else {}
with open(schema_file) as f:
    schema = json.load(f)
stream = schema_file.rsplit('/', 1)[-1][:-5]
cursor = None
with Transformer() as transformer:
    while True:
        params = {**query, 'pagination.count': page_size}
        if cursor:
            params['pagination.cursor'] = cursor
        request = urllib.request.Request(
            f'{base_url}{path}?{urllib.parse.urlencode(params)}',
            headers={'authorization': f'Bearer {token}', 'accept': 'application/vnd.segment.v1+json'},
        )
        with urllib.request.urlopen(request) as response:
            body = json.loads(response.read())
        for item in body['data'][key]:
            singer.write_record(stream, transformer.transform(item, schema))
        cursor = (body['data'].get('pagination') or {}).get('next')
        if not cursor:
            break
