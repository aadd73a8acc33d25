// `--test`: one cheap authenticated request (GET /) and a plain verdict on the token, region and network.
import type {Config} from '../config/settings.js';
import {openArchive} from '../events/open.js';
import {archiveConnectionTest} from '../events/probe.js';
import {eventsConfigured} from '../events/settings.js';
import {httpFor} from '../public-api/client.js';
import {resolveHost} from '../public-api/region.js';
import {HttpError, NetworkError, TapError} from '../shared/errors.js';
import {isObject} from '../shared/json.js';
import type {Logger} from '../shared/log.js';

/**
 * Tests each configured source: the Public API when api_token is set (or nothing else is), the
 * event archive when events_s3_bucket or events_local_dir is. One line per source; throws a
 * TapError whose message says what to fix.
 */
export async function connectionTest(config: Config, log: Logger): Promise<string> {
  const events = eventsConfigured(config);
  const lines: string[] = [];
  if (config.api_token || !events) lines.push(await apiConnectionTest(config, log));
  if (events) {
    try {
      lines.push(await archiveConnectionTest(openArchive({...config, max_retries: 0}), config));
    } catch (error) {
      if (error instanceof TapError)
        throw new TapError(`connection test failed: ${error.message}`, {cause: error});
      throw error;
    }
  }
  return lines.join('\n');
}

/** Resolves with the workspace name on success; throws a TapError whose message says what to fix. */
async function apiConnectionTest(config: Config, log: Logger): Promise<string> {
  // One attempt: a test should answer now, not after minutes of backoff.
  const http = httpFor({...config, max_retries: 0}, log);
  const host = resolveHost(config.region, config.base_url);
  try {
    const body = await http.getJson('/', {}, {stream: 'workspace'});
    const workspace = isObject(body.data) && isObject(body.data.workspace) ? body.data.workspace : {};
    return `connection OK: ${host} accepted the token for workspace "${String(workspace.name ?? '?')}" (${String(workspace.slug ?? '?')})`;
  } catch (error) {
    // Built from the reason, not the message: the message carries advice for a sync (resume, max_retries).
    if (error instanceof NetworkError) {
      throw new TapError(
        `connection test failed: cannot reach ${host} (${error.reason}); check the network, proxy and base_url`,
        {cause: error},
      );
    }
    // Retries ran out on a 429, a 5xx or a body cut short: the last failure is the cause.
    if (error instanceof HttpError && error.cause instanceof Error) {
      throw new TapError(
        `connection test failed: ${host} answered ${error.cause.message}; the API is busy or unstable right now, ` +
          'run --test again in a minute (https://status.segment.com says whether Segment knows)',
        {cause: error},
      );
    }
    if (error instanceof TapError) throw new TapError(`connection test failed: ${error.message}`);
    throw error;
  }
}
