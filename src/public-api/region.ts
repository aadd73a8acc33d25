// Maps the region setting (or a base_url override) to the API host; never templates a host from the value.
const HOSTS: Record<string, string> = {
  us: 'https://api.segmentapis.com',
  api: 'https://api.segmentapis.com',
  eu: 'https://eu1.api.segmentapis.com',
  eu1: 'https://eu1.api.segmentapis.com',
};

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The base URL the token is sent to. A base_url override must be https, or plain http on a
 * loopback address, so that the token never crosses a network in clear text.
 */
export function resolveHost(region: string, baseUrl?: string): string {
  if (baseUrl === undefined) {
    const host = HOSTS[region.toLowerCase()];
    if (!host) throw new Error(`region "${region}" does not exist; use us or eu`);
    return host;
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`base_url "${baseUrl}" is not a URL; use e.g. https://proxy.example.com`);
  }
  const loopback = LOOPBACK.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(
      `base_url must use https (plain http is allowed only on localhost/127.0.0.1), got ${url.origin}`,
    );
  }
  if (url.username || url.password) throw new Error('base_url must not contain credentials; use api_token');
  return url.href.replace(/\/+$/, '');
}
