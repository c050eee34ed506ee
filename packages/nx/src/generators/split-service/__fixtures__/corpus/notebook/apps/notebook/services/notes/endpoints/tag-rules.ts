import { APIError, ErrCode } from '@topo/runtime';

const TAG = /^[a-z][a-z0-9-]{0,19}$/;

/** Tags are lower-case words: " Work " is "work". */
export function normalizeTag(raw: string): string {
  const tag = raw.trim().toLowerCase();
  if (!TAG.test(tag)) throw new APIError(ErrCode.InvalidArgument, `"${raw}" is not a tag: use a lower-case word of up to 20 letters, digits and dashes`);
  return tag;
}
