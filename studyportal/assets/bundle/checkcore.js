/*
 * What 校验.html decides, without the DOM: which files a copy should have, which folder of the pick
 * is the copy, and which files are missing, damaged, extra or left over from an update.
 *
 * The copy's manifest comes from manifest.js (window.studyportalManifest, written by
 * studyportal/bundle/checksums.py): the exact text of manifest.json (its signature covers those
 * bytes) and the size and SHA-256 of the files the manifest cannot list (manifest.json itself,
 * manifest.sig, SHA256SUMS). check.js does the reading, hashing and showing; tests/js/check.test.js
 * runs this file in Node.
 *
 * A classic script that defines window.__spCheck and nothing else; in Node, require() returns the
 * same object. ES5 syntax only: village terminals run old browsers.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.__spCheck = factory();
  }
})(this, function () {
  "use strict";

  var FORMAT = "studyportal-check/1"; /* checksums.py CHECK_FORMAT */
  var MANIFEST = "manifest.json";
  var MANIFEST_JS = "manifest.js";
  var SIGNATURES = "manifest.sig";
  var PINNED_KEY = "signing-key.pub";
  var SIG_FORMAT = "studyportal-signature/1"; /* signing.py SIG_FORMAT */
  /* Files Windows and macOS put into folders on their own (verify.py IGNORED). */
  var IGNORED = { "thumbs.db": true, "desktop.ini": true, ".ds_store": true };
  /* Files at the top of every copy: finding one of them tells which folder of a pick is the copy. */
  var TOP = [MANIFEST, MANIFEST_JS, "index.html", "校验.html"];
  var has = Object.prototype.hasOwnProperty;

  function CheckError(message) {
    this.message = message;
  }

  /* The manifest and the list of expected files from manifest.js's data; a CheckError when it is damaged. */
  function readData(data) {
    var broken = "本页的校验清单 manifest.js 已损坏，无法校验。请从 U 盘重新拷贝整个离线版。";
    if (!data || data.format !== FORMAT || typeof data.manifest !== "string" || !data.unlisted) throw new CheckError(broken);
    var manifest;
    try {
      manifest = JSON.parse(data.manifest);
    } catch (e) {
      throw new CheckError(broken);
    }
    if (!manifest || !manifest.files || !manifest.files.length) throw new CheckError(broken);
    var expected = [], i, f;
    for (i = 0; i < manifest.files.length; i++) {
      f = manifest.files[i];
      expected.push({ path: f.path, size: f.size, sha256: f.sha256, title: f.title || "" });
    }
    for (i = 0; i < data.unlisted.length; i++) {
      f = data.unlisted[i];
      expected.push({ path: f.path, size: f.size, sha256: f.sha256, title: "" });
    }
    /* manifest.js describes everything but itself: it only has to be there. */
    expected.push({ path: MANIFEST_JS, size: null, sha256: null, title: "" });
    var signed = false;
    for (i = 0; i < manifest.files.length; i++) if (manifest.files[i].path === PINNED_KEY) signed = true;
    var removable = {};
    var removed = (manifest.changes && manifest.changes.removed) || [];
    for (i = 0; i < removed.length; i++) removable[removed[i]] = true;
    if (!signed) removable[SIGNATURES] = true; /* the signature of an older, signed edition */
    return { manifest: manifest, text: data.manifest, expected: expected, removable: removable, signed: signed };
  }

  /* The expected entry for a path, or null. */
  function entry(expected, path) {
    for (var i = 0; i < expected.length; i++) if (expected[i].path === path) return expected[i];
    return null;
  }

  /*
   * Which folder of a pick is the copy. `paths` are the picked files' paths ("picked/sub/file");
   * the copy is the picked folder itself, or (when the parent was picked) the one folder inside it
   * with the copy's top files, preferring `folderName`. Returns {prefix, nested}.
   */
  function findRoot(paths, folderName) {
    var first = paths.length ? paths[0].split("/")[0] + "/" : "";
    var tops = {}, i, parts;
    for (i = 0; i < TOP.length; i++) tops[TOP[i]] = true;
    var here = false, inner = {};
    for (i = 0; i < paths.length; i++) {
      parts = paths[i].split("/");
      if (parts.length === 2 && has.call(tops, parts[1])) here = true;
      if (parts.length === 3 && has.call(tops, parts[2])) inner[parts[0] + "/" + parts[1] + "/"] = parts[1];
    }
    if (here || paths.length === 0 || first === "/") return { prefix: first, nested: false };
    var found = [];
    for (var key in inner) if (has.call(inner, key)) found.push(key);
    if (found.length === 1) return { prefix: found[0], nested: true };
    for (i = 0; i < found.length; i++) if (inner[found[i]] === folderName) return { prefix: found[i], nested: true };
    return { prefix: first, nested: false };
  }

  /*
   * Compare what was found with what is expected. `found` maps each path inside the copy to
   * {size, sha256}; sha256 is null when the file was not hashed (its size was already wrong).
   */
  function compare(read, found) {
    var result = { missing: [], damaged: [], extra: [], removable: [], ignored: [], checked: 0, present: 0 };
    var expected = read.expected, wanted = {}, i, e, got;
    for (i = 0; i < expected.length; i++) {
      e = expected[i];
      wanted[e.path] = true;
      if (!has.call(found, e.path)) {
        result.missing.push(e);
        continue;
      }
      result.present++;
      got = found[e.path];
      if (e.size === null) continue;
      result.checked++;
      if (got.size !== e.size || got.sha256 !== e.sha256) result.damaged.push({ entry: e, size: got.size });
    }
    var paths = [];
    for (var p in found) if (has.call(found, p) && !has.call(wanted, p)) paths.push(p);
    paths.sort();
    for (i = 0; i < paths.length; i++) {
      var name = paths[i].split("/").pop().toLowerCase();
      if (has.call(IGNORED, name)) result.ignored.push(paths[i]);
      else if (has.call(read.removable, paths[i])) result.removable.push(paths[i]);
      else result.extra.push(paths[i]);
    }
    return result;
  }

  /* "intact", "broken", or "wrong" when the folder is not this copy at all. */
  function verdict(read, result) {
    if (!result.missing.length && !result.damaged.length && !result.extra.length) return "intact";
    var tops = 0;
    for (var i = 0; i < TOP.length; i++) if (!isMissing(result, TOP[i])) tops++;
    if (tops === 0 && result.present * 10 < read.expected.length) return "wrong";
    return "broken";
  }

  function isMissing(result, path) {
    for (var i = 0; i < result.missing.length; i++) if (result.missing[i].path === path) return true;
    return false;
  }

  /* Text as UTF-8 bytes. */
  function utf8(text) {
    if (typeof TextEncoder !== "undefined") return new TextEncoder().encode(text);
    var s = unescape(encodeURIComponent(text)), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  /* Standard base64 to bytes; null when it is not base64. */
  function base64(text) {
    var clean = String(text).replace(/[\s=]+/g, ""), bits = 0, value = 0, out = [];
    for (var i = 0; i < clean.length; i++) {
      var v = B64.indexOf(clean.charAt(i));
      if (v < 0) return null;
      value = (value << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push((value >>> bits) & 0xff);
      }
    }
    return new Uint8Array(out);
  }

  /* The 44-byte SubjectPublicKeyInfo of an Ed25519 public key in PEM; null when it is something else. */
  function publicKeyDer(pem) {
    var match = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(pem);
    var der = match && base64(match[1]);
    /* 30 2a 30 05 06 03 2b 65 70 03 21 00: SEQUENCE { SEQUENCE { OID 1.3.101.112 (Ed25519) } BIT STRING } */
    var prefix = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
    if (!der || der.length !== 44) return null;
    for (var i = 0; i < prefix.length; i++) if (der[i] !== prefix[i]) return null;
    return der;
  }

  /* The first 128 bits of a fingerprint in groups of four, as signing.py's PublicKey.short shows it. */
  function shortFingerprint(hex) {
    var groups = [];
    for (var i = 0; i < 32 && i < hex.length; i += 4) groups.push(hex.slice(i, i + 4));
    return groups.join(" ");
  }

  /* The signatures of manifest.sig as [{key, signature}], or null when the file is damaged. */
  function parseSignatures(text) {
    var raw;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return null;
    }
    if (!raw || raw.format !== SIG_FORMAT || raw.signs !== MANIFEST || !raw.signatures || !raw.signatures.length) return null;
    var out = [];
    for (var i = 0; i < raw.signatures.length; i++) {
      var s = raw.signatures[i], value = s && base64(s.signature);
      if (!value || typeof s.key !== "string") return null;
      out.push({ key: s.key, signature: value });
    }
    return out;
  }

  /* What is signed (signing.py _message): format, file name and the manifest's exact bytes. */
  function signedMessage(manifestText) {
    var head = utf8(SIG_FORMAT + "\u0000" + MANIFEST + "\u0000"), body = utf8(manifestText);
    var out = new Uint8Array(head.length + body.length);
    out.set(head);
    out.set(body, head.length);
    return out;
  }

  function hex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += ("0" + bytes[i].toString(16)).slice(-2);
    return out;
  }

  /* A size people read: "12 KB", "3.4 MB". */
  function humanSize(size) {
    if (size >= 1048576) return (size / 1048576).toFixed(1) + " MB";
    return Math.max(1, Math.round(size / 1024)) + " KB";
  }

  return {
    CheckError: CheckError,
    readData: readData,
    entry: entry,
    findRoot: findRoot,
    compare: compare,
    verdict: verdict,
    utf8: utf8,
    base64: base64,
    publicKeyDer: publicKeyDer,
    shortFingerprint: shortFingerprint,
    parseSignatures: parseSignatures,
    signedMessage: signedMessage,
    hex: hex,
    humanSize: humanSize
  };
});
