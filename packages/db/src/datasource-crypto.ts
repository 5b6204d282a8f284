import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Data source passwords at rest: AES-256-GCM with a 32-byte key held by the web app (encrypts on save)
 * and the workers (decrypt when a sql task connects). Stored as `v1:<iv>:<tag>:<ciphertext>`, each
 * part base64; an empty string means "no password" and needs no key.
 */
const VERSION = "v1";

export class SecretKeyError extends Error {
  override name = "SecretKeyError";
}

/** Parses a key given as 64 hex digits or base64 of 32 bytes (e.g. `openssl rand -base64 32`). */
export function parseSecretKey(text: string, variable = "SHOAL_SECRET_KEY"): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t)
    ? Buffer.from(t, "hex")
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(t)
      ? Buffer.from(t, "base64")
      : null;
  if (!key || key.length !== 32) {
    throw new SecretKeyError(
      `${variable} must be 32 bytes written as 64 hex digits or base64 (e.g. the output of \`openssl rand -base64 32\`)`,
    );
  }
  return key;
}

/** A fresh random key as base64, for provisioning. */
export function generateSecretKey(): string {
  return randomBytes(32).toString("base64");
}

export function encryptSecret(plain: string, key: Buffer): string {
  if (plain === "") return "";
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [
    VERSION,
    iv.toString("base64"),
    cipher.getAuthTag().toString("base64"),
    data.toString("base64"),
  ].join(":");
}

/** Decrypts what {@link encryptSecret} made; throws SecretKeyError when the key is not the one it was made with. */
export function decryptSecret(stored: string, key: Buffer): string {
  if (stored === "") return "";
  const [version, iv, tag, data] = stored.split(":");
  if (version !== VERSION || !iv || !tag || data === undefined)
    throw new SecretKeyError("the stored password is not in a format this version can read");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new SecretKeyError(
      "the stored password cannot be decrypted with this SHOAL_SECRET_KEY (was the key changed?)",
    );
  }
}
