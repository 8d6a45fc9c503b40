import { type KeyObject, verify } from 'node:crypto';

/** A compact JWS taken apart and its signature checked with `publicKey`; throws when it does not hold. */
export function verifyJwt(
  token: string,
  publicKey: KeyObject,
  alg: 'ES256' | 'RS256',
): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [head = '', body = '', signature = ''] = token.split('.');
  const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as Record<string, unknown>;
  if (header.alg !== alg) throw new Error(`alg ${String(header.alg)}, expected ${alg}`);
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    alg === 'ES256' ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey,
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) throw new Error('bad signature');
  return { header, claims: JSON.parse(Buffer.from(body, 'base64url').toString()) };
}
