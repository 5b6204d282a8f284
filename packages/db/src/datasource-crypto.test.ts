import { describe, expect, it } from "vitest";
import {
  decryptSecret,
  encryptSecret,
  generateSecretKey,
  parseSecretKey,
  SecretKeyError,
} from "./datasource-crypto";

describe("data source password crypto", () => {
  const key = parseSecretKey(generateSecretKey());

  it("round-trips, with a fresh IV each time, and keeps no plain text", () => {
    const a = encryptSecret("s3cret pässword", key);
    const b = encryptSecret("s3cret pässword", key);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/);
    expect(a).not.toContain("s3cret");
    expect(decryptSecret(a, key)).toBe("s3cret pässword");
  });

  it("stores an empty password as empty, needing no key", () => {
    expect(encryptSecret("", key)).toBe("");
    expect(decryptSecret("", key)).toBe("");
  });

  it("refuses another key and tampered ciphertext", () => {
    const stored = encryptSecret("pw", key);
    expect(() => decryptSecret(stored, parseSecretKey(generateSecretKey()))).toThrow(
      /cannot be decrypted with this SHOAL_SECRET_KEY/,
    );
    const [v, iv, tag, data] = stored.split(":");
    const flipped = Buffer.from(data!, "base64");
    flipped[0]! ^= 1;
    expect(() => decryptSecret([v, iv, tag, flipped.toString("base64")].join(":"), key)).toThrow(
      SecretKeyError,
    );
    expect(() => decryptSecret("plain", key)).toThrow(/not in a format/);
  });

  it("accepts 32 bytes as hex or base64 and explains anything else", () => {
    expect(parseSecretKey("ab".repeat(32))).toHaveLength(32);
    expect(parseSecretKey(Buffer.alloc(32, 7).toString("base64"))).toEqual(Buffer.alloc(32, 7));
    for (const bad of ["", "short", Buffer.alloc(16).toString("base64"), "zz".repeat(32)]) {
      expect(() => parseSecretKey(bad)).toThrow(/SHOAL_SECRET_KEY must be 32 bytes/);
    }
  });
});
