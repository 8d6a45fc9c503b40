/**
 * The key in an `Authorization: Basic base64("<key>:")` header (Segment's form: the key is the
 * user name, the password empty), or `undefined` when the header is missing or not Basic.
 */
export function basicAuthKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  return user === '' ? undefined : user;
}
