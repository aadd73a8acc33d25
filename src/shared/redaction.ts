// The one marker that replaces a secret wherever the tap hides one (logs, records, error text).
export const REDACTED = '[REDACTED]';

/** Record fields whose values may carry credentials of other systems (see records/redact.ts). */
export const REDACTABLE_FIELDS = ['writeKeys', 'settings'] as const;
