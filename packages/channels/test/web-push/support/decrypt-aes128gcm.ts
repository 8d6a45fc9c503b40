import { createDecipheriv, createECDH, createHmac } from 'node:crypto';

/** A subscription's secret half, as the browser keeps it. */
export interface ReceiverKeys {
  /** The 32-byte P-256 private key behind `p256dh`. */
  privateKey: Uint8Array;
  /** The 16-byte `auth` secret. */
  authSecret: Uint8Array;
}

const hmac = (key: Uint8Array, ...data: Uint8Array[]) => {
  const mac = createHmac('sha256', key);
  for (const part of data) mac.update(part);
  return mac.digest();
};

/**
 * What a browser does with a push body: the receiving side of RFC 8291 / RFC 8188, written apart
 * from the production encryptor so that a shared mistake cannot make both agree. Reads every
 * record, checks the delimiters and strips the padding.
 */
export function decryptAes128gcm(body: Uint8Array, keys: ReceiverKeys): Buffer {
  const data = Buffer.from(body);
  const salt = data.subarray(0, 16);
  const recordSize = data.readUInt32BE(16);
  const idLength = data.readUInt8(20);
  const senderPublicKey = data.subarray(21, 21 + idLength);
  if (idLength !== 65) throw new Error(`key id must be a 65-byte P-256 point, got ${idLength} bytes`);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(keys.privateKey);
  const receiverPublicKey = ecdh.getPublicKey();
  const shared = ecdh.computeSecret(senderPublicKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), receiverPublicKey, senderPublicKey]);
  const ikm = hmac(hmac(keys.authSecret, shared), keyInfo, Buffer.from([1])).subarray(0, 32);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0'), Buffer.from([1])).subarray(0, 16);
  const baseNonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0'), Buffer.from([1])).subarray(0, 12);

  const records = data.subarray(21 + idLength);
  const out: Buffer[] = [];
  for (let offset = 0, seq = 0; offset < records.length; offset += recordSize, seq++) {
    const record = records.subarray(offset, offset + recordSize);
    const nonce = Buffer.from(baseNonce);
    // RFC 8188 §2.3: the record sequence number is XORed into the nonce's low-order bytes.
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8);
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    const last = offset + recordSize >= records.length;
    if (plain[end] !== (last ? 2 : 1)) throw new Error(`record ${seq}: bad padding delimiter`);
    out.push(plain.subarray(0, end));
  }
  return Buffer.concat(out);
}
