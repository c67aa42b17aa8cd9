/*
 * SHA-256 in plain JavaScript (FIPS 180-4), for 校验.html in browsers without Web Crypto.
 *
 * The checking page prefers crypto.subtle.digest; this is its stand-in where crypto.subtle is
 * missing (old browsers, or a page the browser does not treat as a secure context). Incremental:
 * create(), update(bytes) any number of times, hex(). tests/js/sha256.test.js checks it against the
 * standard test vectors and against Node's own SHA-256.
 *
 * A classic script that defines window.__spSha256 and nothing else; in Node, require() returns the
 * same object. ES5 syntax only: village terminals run old browsers.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.__spSha256 = factory();
  }
})(this, function () {
  "use strict";

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  /* One 64-byte block of `bytes` at `at` into the state `h` (eight 32-bit words); `w` is scratch. */
  function block(h, w, bytes, at) {
    var i, t1, t2, x, y;
    for (i = 0; i < 16; i++) {
      w[i] = (bytes[at + 4 * i] << 24) | (bytes[at + 4 * i + 1] << 16) | (bytes[at + 4 * i + 2] << 8) | bytes[at + 4 * i + 3];
    }
    for (i = 16; i < 64; i++) {
      x = w[i - 15];
      y = w[i - 2];
      w[i] =
        ((((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
          w[i - 7] +
          (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) +
          w[i - 16]) |
        0;
    }
    var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (i = 0; i < 64; i++) {
      t1 =
        (k +
          (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
          ((e & f) ^ (~e & g)) +
          K[i] +
          w[i]) |
        0;
      t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + b) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
    h[4] = (h[4] + e) | 0;
    h[5] = (h[5] + f) | 0;
    h[6] = (h[6] + g) | 0;
    h[7] = (h[7] + k) | 0;
  }

  function Hash() {
    this.h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    this.w = new Array(64);
    this.buffer = new Uint8Array(64);
    this.used = 0; /* bytes waiting in this.buffer */
    this.length = 0; /* bytes hashed so far (exact up to 2^53) */
    this.done = false;
  }

  /* Add bytes (a Uint8Array); returns this. */
  Hash.prototype.update = function (bytes) {
    if (this.done) throw new Error("sha256: update after hex()");
    var n = bytes.length, at = 0;
    this.length += n;
    if (this.used) {
      while (at < n && this.used < 64) this.buffer[this.used++] = bytes[at++];
      if (this.used < 64) return this;
      block(this.h, this.w, this.buffer, 0);
      this.used = 0;
    }
    for (; at + 64 <= n; at += 64) block(this.h, this.w, bytes, at);
    while (at < n) this.buffer[this.used++] = bytes[at++];
    return this;
  };

  /* The digest as 64 lowercase hex digits; the hash cannot be updated afterwards. */
  Hash.prototype.hex = function () {
    if (!this.done) {
      var bits = this.length * 8, i;
      var tail = new Uint8Array(this.used < 56 ? 64 : 128);
      tail.set(this.buffer.subarray(0, this.used));
      tail[this.used] = 0x80;
      var high = Math.floor(bits / 0x100000000), low = bits >>> 0;
      for (i = 0; i < 4; i++) {
        tail[tail.length - 8 + i] = (high >>> (24 - 8 * i)) & 0xff;
        tail[tail.length - 4 + i] = (low >>> (24 - 8 * i)) & 0xff;
      }
      for (i = 0; i < tail.length; i += 64) block(this.h, this.w, tail, i);
      this.done = true;
    }
    var out = "";
    for (var j = 0; j < 8; j++) out += ("0000000" + (this.h[j] >>> 0).toString(16)).slice(-8);
    return out;
  };

  return {
    create: function () {
      return new Hash();
    },
    /* The SHA-256 of a Uint8Array, as hex. */
    hex: function (bytes) {
      return new Hash().update(bytes).hex();
    }
  };
});
