// Accept negotiation: stable endpoints take v1, v1beta, v1alpha or JSON; alpha-only ones refuse v1 and
// v1beta; beta ones (no v1) refuse v1, and beta-only ones v1alpha too.

const VERSIONED = /^application\/vnd\.segment\.(v1|v1beta|v1alpha)\+json$/;

/** Which media type versions an endpoint serves. */
export type Stability = 'stable' | 'beta' | 'beta-only' | 'alpha';

const SERVED: Readonly<Record<Stability, readonly string[]>> = {
  stable: ['v1', 'v1beta', 'v1alpha'],
  beta: ['v1beta', 'v1alpha'],
  'beta-only': ['v1beta'],
  alpha: ['v1alpha'],
};

/** The response Content-Type for this Accept header, or undefined when the endpoint cannot serve it (415). */
export function negotiate(accept: string | undefined, stability: Stability): string | undefined {
  const served = SERVED[stability];
  const fallback = `application/vnd.segment.${served[0]}+json`;
  if (!accept) return fallback;
  const types = accept.split(',').map((part) => (part.split(';')[0] ?? '').trim().toLowerCase());
  for (const type of types) {
    const version = VERSIONED.exec(type)?.[1];
    if (version !== undefined && served.includes(version)) return type;
    if (type === 'application/json' || type === 'application/*' || type === '*/*') return fallback;
  }
  return undefined;
}
