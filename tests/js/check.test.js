/*
 * What 校验.html decides (studyportal/assets/bundle/checkcore.js), without a browser: the expected
 * files from manifest.js's data, which folder of a pick is the copy, missing / damaged / extra /
 * removable files, and the signed message and key format, checked against Node's Ed25519 (the
 * Python side signs the same message, see signing.py _message). tests/test_check_node.py runs this.
 */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const childProcess = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ASSETS = path.join(__dirname, "..", "..", "studyportal", "assets");
const core = require(path.join(ASSETS, "bundle", "checkcore.js"));

const hex = (text) => crypto.createHash("sha256").update(text).digest("hex");

function copyData({ removed = [], signed = false } = {}) {
  const files = [
    { path: "index.html", size: 5, sha256: hex("index"), title: "首页" },
    { path: "materials/a/index.html", size: 1, sha256: hex("a"), title: "材料甲" },
    { path: "materials/b/index.html", size: 1, sha256: hex("b"), title: "材料乙" },
    { path: "校验.html", size: 5, sha256: hex("check"), title: "校验离线版" },
  ];
  if (signed) files.push({ path: "signing-key.pub", size: 3, sha256: hex("key"), title: "" });
  const manifest = JSON.stringify({ edition: "all", folder: "studyportal-all", files, changes: removed.length ? { removed } : null }, null, 1) + "\n";
  const unlisted = [
    { path: "manifest.json", size: Buffer.byteLength(manifest), sha256: hex(manifest) },
    { path: "SHA256SUMS", size: 4, sha256: hex("sums") },
  ];
  if (signed) unlisted.splice(1, 0, { path: "manifest.sig", size: 3, sha256: hex("sig") });
  return { format: "studyportal-check/1", manifest, unlisted };
}

function foundFor(read, change = {}) {
  const found = {};
  for (const e of read.expected) found[e.path] = { size: e.size === null ? 10 : e.size, sha256: e.sha256 };
  return Object.assign(found, change);
}

test("manifest.js's data gives every listed file, the unlisted ones, and manifest.js itself", () => {
  const read = core.readData(copyData());
  assert.deepEqual(
    read.expected.map((e) => e.path),
    ["index.html", "materials/a/index.html", "materials/b/index.html", "校验.html", "manifest.json", "SHA256SUMS", "manifest.js"],
  );
  assert.equal(read.signed, false);
  assert.equal(read.removable["manifest.sig"], true, "an unsigned edition no longer needs an old signature");
  assert.equal(core.readData(copyData({ signed: true })).signed, true);
});

test("damaged or foreign data is refused with a message, never a crash", () => {
  for (const bad of [undefined, {}, { format: "x", manifest: "{}", unlisted: [] }, { ...copyData(), manifest: "{not json" }]) {
    assert.throws(() => core.readData(bad), (e) => e instanceof core.CheckError && /manifest\.js/.test(e.message));
  }
});

test("a whole copy is intact", () => {
  const read = core.readData(copyData());
  const result = core.compare(read, foundFor(read));
  assert.equal(core.verdict(read, result), "intact");
  assert.equal(result.checked, 6);
  assert.equal(result.present, 7);
});

test("one changed byte, one deleted page and one added file are exactly the three problems", () => {
  const read = core.readData(copyData());
  const found = foundFor(read, { "materials/a/index.html": { size: 1, sha256: hex("A") }, "notes/mine.txt": { size: 3, sha256: null } });
  delete found["materials/b/index.html"];
  const result = core.compare(read, found);
  assert.deepEqual(result.damaged.map((d) => d.entry.path), ["materials/a/index.html"]);
  assert.deepEqual(result.missing.map((e) => e.path), ["materials/b/index.html"]);
  assert.deepEqual(result.extra, ["notes/mine.txt"]);
  assert.equal(core.verdict(read, result), "broken");
  const shorter = core.compare(read, foundFor(read, { "index.html": { size: 0, sha256: null } }));
  assert.deepEqual(shorter.damaged.map((d) => [d.entry.path, d.size]), [["index.html", 0]], "a wrong size needs no hash");
});

test("files an update no longer has are removable, system files ignored, and the copy still intact", () => {
  const read = core.readData(copyData({ removed: ["materials/old/index.html"] }));
  const found = foundFor(read, { "materials/old/index.html": { size: 9, sha256: null }, "materials/Thumbs.db": { size: 1, sha256: null } });
  const result = core.compare(read, found);
  assert.deepEqual(result.removable, ["materials/old/index.html"]);
  assert.deepEqual(result.ignored, ["materials/Thumbs.db"]);
  assert.equal(core.verdict(read, result), "intact");
});

test("a folder with none of the copy's files is the wrong folder", () => {
  const read = core.readData(copyData());
  assert.equal(core.verdict(read, core.compare(read, { "photos/1.jpg": { size: 1, sha256: null } })), "wrong");
  assert.equal(core.verdict(read, core.compare(read, { "index.html": { size: 1, sha256: null } })), "broken");
});

test("the copy is the picked folder, or the one folder inside it that has the copy's top files", () => {
  assert.deepEqual(core.findRoot(["studyportal-all/index.html", "studyportal-all/a/b.html"], "studyportal-all"), {
    prefix: "studyportal-all/",
    nested: false,
  });
  const parent = ["党员学习/studyportal-all/校验.html", "党员学习/studyportal-all/x/y.html", "党员学习/update.json"];
  assert.deepEqual(core.findRoot(parent, "studyportal-all"), { prefix: "党员学习/studyportal-all/", nested: true });
  const two = ["d/old/manifest.json", "d/studyportal-all/manifest.json"];
  assert.deepEqual(core.findRoot(two, "studyportal-all"), { prefix: "d/studyportal-all/", nested: true });
  assert.deepEqual(core.findRoot(["photos/1.jpg"], "studyportal-all"), { prefix: "photos/", nested: false });
});

test("the signed message, the key and the signature file read as Python writes them, and verify with Ed25519", () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519");
  const pem = publicKey.export({ type: "spki", format: "pem" });
  const der = core.publicKeyDer(pem);
  assert.deepEqual(Buffer.from(der), publicKey.export({ type: "spki", format: "der" }));
  const manifest = '{\n "edition_name": "完整版"\n}\n';
  const message = core.signedMessage(manifest);
  assert.deepEqual(Buffer.from(message), Buffer.concat([Buffer.from("studyportal-signature/1\0manifest.json\0"), Buffer.from(manifest, "utf8")]));
  const fingerprint = hex(Buffer.from(der.subarray(12)));
  const sig = JSON.stringify({
    format: "studyportal-signature/1",
    signs: "manifest.json",
    signatures: [{ key: fingerprint, signature: crypto.sign(null, message, privateKey).toString("base64") }],
  });
  const parsed = core.parseSignatures(sig);
  assert.equal(parsed[0].key, fingerprint);
  assert.ok(crypto.verify(null, message, publicKey, Buffer.from(parsed[0].signature)));
  assert.equal(core.shortFingerprint(fingerprint).split(" ").length, 8);
  assert.equal(core.parseSignatures('{"format": "studyportal-signature/1", "signs": "update.json", "signatures": []}'), null);
  assert.equal(core.parseSignatures("not json"), null);
  assert.equal(core.publicKeyDer("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"), null);
});

test("base64 and UTF-8 as the page does them", () => {
  const data = crypto.randomBytes(100);
  assert.deepEqual(Buffer.from(core.base64(data.toString("base64"))), data);
  assert.equal(core.base64("not*base64"), null);
  assert.deepEqual(Buffer.from(core.utf8("校验 ok")), Buffer.from("校验 ok", "utf8"));
  assert.equal(core.humanSize(2.5 * 1048576), "2.5 MB");
});

test("the checking page's scripts and the stamp are ES5: old browsers on village terminals run them", (t) => {
  const probe = childProcess.spawnSync(process.execPath, ["--expose-internals", "-e", "require('internal/deps/acorn/acorn/dist/acorn')"]);
  if (probe.status !== 0) return t.skip("this Node has no acorn to parse with");
  const scripts = ["bundle/sha256.js", "bundle/checkcore.js", "bundle/check.js", "site/stamp.js"].map((n) => path.join(ASSETS, n));
  for (const file of scripts) {
    assert.ok(fs.existsSync(file), file);
    const script = `require('internal/deps/acorn/acorn/dist/acorn').parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'), {ecmaVersion: 5})`;
    const parsed = childProcess.spawnSync(process.execPath, ["--expose-internals", "-e", script], { encoding: "utf8" });
    assert.equal(parsed.status, 0, `${file} is not ES5: ${parsed.stderr}`);
  }
});
