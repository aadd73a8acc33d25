// The string formats the validators know, shared by ajv at run time and the validators `npm run build` compiles.

/**
 * RFC 3339 date-time with a zone, as targets and singer-check-tap demand. One regular expression:
 * it runs on every timestamp of every record, so it must be cheap.
 */
const RFC3339_DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):?[0-5]\d)$/;

/** Format name → the expression a value must match (the compiled validators read them from here). */
export const formats: Readonly<Record<'date-time' | 'date', RegExp>> = {
  'date-time': RFC3339_DATE_TIME,
  date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
};
