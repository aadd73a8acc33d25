// The sources this tap reads, composed in one place: every stream the catalog offers, in catalog order.
import {streams as publicApiStreams} from '../public-api/streams.js';
import type {StreamSpec} from '../singer/catalog.js';

export const ALL_STREAMS: readonly StreamSpec[] = [...publicApiStreams];
