// Accept negotiation: stable endpoints take v1, v1beta, v1alpha or JSON; alpha-only ones refuse v1 and v1beta.

const VERSIONED = /^application\/vnd\.segment\.(v1|v1beta|v1alpha)\+json$/;

/** The response Content-Type for this Accept header, or undefined when the endpoint cannot serve it (415). */
export function negotiate(accept: string | undefined, alphaOnly: boolean): string | undefined {
  const fallback = `application/vnd.segment.${alphaOnly ? 'v1alpha' : 'v1'}+json`;
  if (!accept) return fallback;
  const types = accept.split(',').map((part) => (part.split(';')[0] ?? '').trim().toLowerCase());
  for (const type of types) {
    const version = VERSIONED.exec(type)?.[1];
    if (version !== undefined && (!alphaOnly || version === 'v1alpha')) return type;
    if (type === 'application/json' || type === 'application/*' || type === '*/*') return fallback;
  }
  return undefined;
}
