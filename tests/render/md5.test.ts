/**
 * The PDF's own MD5 (src/render/pdf/md5.ts: the file identifier, a font subset's tag) gives
 * node:crypto's digest for every length around the 64-byte blocks and the 56-byte mark where
 * the length no longer fits the last block, for text past ASCII, and for a megabyte.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { md5 } from "../../src/render/pdf/md5.js";

const nodeMd5 = (bytes: Uint8Array): string => createHash("md5").update(bytes).digest("hex");
const ours = (bytes: Uint8Array): string => Buffer.from(md5(bytes)).toString("hex");

/** Bytes that differ from one position to the next, so a word read from the wrong place shows. */
function bytesOf(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 131 + seed * 17 + (i >> 8)) & 0xff);
}

describe("md5", () => {
  it("is RFC 1321's digest of its test suite", () => {
    const suite: [string, string][] = [
      ["", "d41d8cd98f00b204e9800998ecf8427e"],
      ["a", "0cc175b9c0f1b6a831c399e269772661"],
      ["abc", "900150983cd24fb0d6963f7d28e17f72"],
      ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
      ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
      ["12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"],
    ];
    for (const [text, digest] of suite) expect(ours(Buffer.from(text, "latin1")), text).toBe(digest);
  });

  it("gives node:crypto's digest for every length up to three blocks", () => {
    for (let length = 0; length <= 200; length++) expect(ours(bytesOf(length, length)), `${length} bytes`).toBe(nodeMd5(bytesOf(length, length)));
  });

  it("gives node:crypto's digest of UTF-8 text and of a megabyte", () => {
    const text = Buffer.from("DejaVuSans\u00001,2,3\u0000β-VAE 28×28 → λ", "utf8");
    expect(ours(text)).toBe(nodeMd5(text));
    const large = bytesOf(1 << 20, 7);
    expect(ours(large)).toBe(nodeMd5(large));
  });
});
