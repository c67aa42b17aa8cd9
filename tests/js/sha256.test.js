/*
 * 校验.html's own SHA-256 (studyportal/assets/bundle/sha256.js), used where a browser has no Web
 * Crypto: the standard test vectors (FIPS 180-4 examples, NIST's one million "a"), and agreement
 * with Node's SHA-256 on every length around the block and padding boundaries, fed whole and in
 * random pieces. tests/test_check_node.py runs this from pytest.
 */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const path = require("node:path");

const sha = require(path.join(__dirname, "..", "..", "studyportal", "assets", "bundle", "sha256.js"));

const bytes = (text) => new Uint8Array(Buffer.from(text, "latin1"));
const nodeHex = (data) => crypto.createHash("sha256").update(data).digest("hex");

test("the standard test vectors", () => {
  const vectors = [
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
    [
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
    ],
  ];
  for (const [input, expected] of vectors) assert.equal(sha.hex(bytes(input)), expected, JSON.stringify(input));
  assert.equal(sha.hex(new Uint8Array(1000000).fill(0x61)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
});

test("every length from 0 to 300 bytes agrees with Node, whole and in random pieces", () => {
  let seed = 1;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let n = 0; n <= 300; n++) {
    const data = new Uint8Array(n).map(() => Math.floor(random() * 256));
    const expected = nodeHex(data);
    assert.equal(sha.hex(data), expected, `length ${n}`);
    const hash = sha.create();
    let at = 0;
    while (at < n) {
      const end = Math.min(n, at + Math.floor(random() * 90));
      hash.update(data.subarray(at, end));
      at = end;
    }
    assert.equal(hash.hex(), expected, `length ${n} in pieces`);
  }
});

test("a larger file in the page's slices, and UTF-8 text", () => {
  const data = crypto.randomBytes(3 * 262144 + 17);
  const hash = sha.create();
  for (let at = 0; at < data.length; at += 262144) hash.update(new Uint8Array(data.subarray(at, at + 262144)));
  assert.equal(hash.hex(), nodeHex(data));
  const text = Buffer.from("校验说明：党员学习资料门户 离线版\n", "utf8");
  assert.equal(sha.hex(new Uint8Array(text)), nodeHex(text));
});

test("a finished hash gives the same digest again and refuses more data", () => {
  const hash = sha.create().update(bytes("abc"));
  assert.equal(hash.hex(), hash.hex());
  assert.throws(() => hash.update(bytes("d")), /after hex/);
});
