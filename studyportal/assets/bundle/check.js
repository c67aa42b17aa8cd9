/*
 * 校验.html: the administrator picks the copy's folder; every file is read and hashed (SHA-256) here
 * in the browser and compared with the copy's manifest (manifest.js); the page then lists what is
 * missing, damaged, extra or no longer needed, and checks the manifest's signature when it can.
 *
 * Nothing leaves the computer: the page makes no request, it only reads the files picked. Hashing
 * uses the browser's Web Crypto where it exists (file:// counts as a secure context in Chromium and
 * Firefox) and sha256.js elsewhere, in slices with pauses so the page stays responsive on a copy of
 * thousands of files. Decisions live in checkcore.js (tested in Node); this file reads and shows.
 * ES5 syntax only: village terminals run old browsers.
 */
(function () {
  "use strict";

  var core = window.__spCheck, sha = window.__spSha256, stamp = window.__spStamp || null;
  var subtle = window.crypto && window.crypto.subtle && typeof window.crypto.subtle.digest === "function" ? window.crypto.subtle : null;
  var SLICE = 262144; /* bytes hashed by sha256.js between pauses */
  var BUSY_MS = 30; /* longest stretch of work before the page gets a turn to draw and answer clicks */
  var SHOWN = 300; /* longest list shown */
  var lastPause = now();

  function now() {
    return window.performance && performance.now ? performance.now() : new Date().getTime();
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) if (Object.prototype.hasOwnProperty.call(attrs, key)) node.setAttribute(key, attrs[key]);
    for (var i = 0; i < (children || []).length; i++) {
      var c = children[i];
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  /* Resolves at once, or after letting the browser draw when the page has been busy for a while. */
  function pause() {
    if (now() - lastPause < BUSY_MS) return Promise.resolve();
    return new Promise(function (resolve) {
      setTimeout(function () {
        lastPause = now();
        resolve();
      }, 0);
    });
  }

  function readBytes(file) {
    if (file.arrayBuffer) return file.arrayBuffer();
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        resolve(reader.result);
      };
      reader.onerror = function () {
        reject(reader.error);
      };
      reader.readAsArrayBuffer(file);
    });
  }

  function hashJs(bytes) {
    var hash = sha.create(), at = 0;
    function step() {
      var end = Math.min(at + SLICE, bytes.length);
      hash.update(bytes.subarray(at, end));
      at = end;
      return at < bytes.length ? pause().then(step) : hash.hex();
    }
    return step();
  }

  /* The SHA-256 of some bytes (an ArrayBuffer or Uint8Array) as hex. */
  function hashBytes(buffer) {
    var bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
    if (!subtle) return hashJs(bytes);
    return subtle.digest("SHA-256", bytes).then(
      function (digest) {
        return core.hex(new Uint8Array(digest));
      },
      function () {
        return hashJs(bytes);
      }
    );
  }

  function asText(buffer) {
    var bytes = new Uint8Array(buffer);
    if (typeof TextDecoder !== "undefined") return new TextDecoder("utf-8").decode(bytes);
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }

  /* --- what is installed ------------------------------------------------------------------------ */

  function showEdition(read) {
    var m = read.manifest, total = 0;
    for (var i = 0; i < m.files.length; i++) total += m.files[i].size;
    var parts = [stamp && stamp.editionName ? stamp.editionName : m.edition_name, "生成于 " + (stamp ? stamp.built : m.built.slice(0, 16).replace("T", " "))];
    if (stamp && stamp.version) parts.push("版本号 " + stamp.version);
    byId("ck-edition").textContent = "本离线版：" + parts.join(" · ");
    byId("ck-size").textContent = "应有 " + m.files.length + " 个网页和资源文件，共 " + core.humanSize(total) + "，另有校验清单等文件。";
  }

  /* --- the check ---------------------------------------------------------------------------------- */

  /* fn(i) for i below n, in turns: Chromium asks the system for each picked file's size the first time, ~0.3 ms a file. */
  function sliced(n, fn) {
    var i = 0;
    function step() {
      var until = now() + BUSY_MS;
      while (i < n && now() < until) fn(i++);
      return i < n ? pause().then(step) : Promise.resolve();
    }
    return step();
  }

  function start(read, fileList) {
    var started = now();
    var files = [], paths = [], found = {}, byPath = {}, root, jobs = [], totalBytes = 0;
    var result = byId("ck-result");
    result.hidden = true;
    result.textContent = "";
    if (!fileList.length) {
      showMessage("empty", "没有选到任何文件", ["你选的文件夹是空的，或者浏览器没有读到里面的文件。请再选一次：选中离线版文件夹（里面有 index.html 和 校验.html），然后点“上传”或“确定”。"]);
      return Promise.resolve();
    }
    var progress = { done: 0, bytes: 0, total: 0, totalBytes: 0, shown: 0, listing: fileList.length };
    showProgress(progress, true);
    return sliced(fileList.length, function (i) {
      files.push(fileList[i]);
      paths.push((fileList[i].webkitRelativePath || fileList[i].name).replace(/\\/g, "/"));
    })
      .then(function () {
        root = core.findRoot(paths, read.manifest.folder);
        return sliced(files.length, function (i) {
          if (paths[i].indexOf(root.prefix) !== 0) return;
          var rel = paths[i].slice(root.prefix.length);
          found[rel] = { size: files[i].size, sha256: null };
          byPath[rel] = files[i];
        });
      })
      .then(function () {
        for (var i = 0; i < read.expected.length; i++) {
          var e = read.expected[i];
          if (e.sha256 && Object.prototype.hasOwnProperty.call(found, e.path) && found[e.path].size === e.size) {
            jobs.push(e.path);
            totalBytes += e.size;
          }
        }
        progress.total = jobs.length;
        progress.totalBytes = totalBytes;
        progress.listing = 0;
        showProgress(progress, false, false, true);
        return check(read, found, byPath, root, jobs, progress, started);
      });
  }

  function check(read, found, byPath, root, jobs, progress, started) {
    var unreadable = [];
    var next = 0;
    function worker() {
      if (next >= jobs.length) return Promise.resolve();
      var path = jobs[next++];
      return readBytes(byPath[path])
        .then(hashBytes)
        .then(
          function (digest) {
            found[path].sha256 = digest;
          },
          function () {
            unreadable.push(path); /* found[path].sha256 stays null: reported as damaged */
          }
        )
        .then(function () {
          progress.done++;
          progress.bytes += found[path].size;
          showProgress(progress, false);
          return pause();
        })
        .then(worker);
    }
    var workers = [];
    for (var i = 0; i < (subtle ? 4 : 1); i++) workers.push(worker());
    return Promise.all(workers)
      .then(function () {
        return hashBytes(core.utf8(read.text));
      })
      .then(function (ownDigest) {
        var compared = core.compare(read, found);
        var manifestEntry = core.entry(read.expected, "manifest.json");
        if (ownDigest !== manifestEntry.sha256) {
          /* manifest.js no longer holds the manifest it was written with */
          compared.damaged.push({ entry: core.entry(read.expected, "manifest.js"), size: null });
        }
        return checkOrigin(read, byPath, compared).then(function (origin) {
          showProgress(progress, false, true);
          showResult(read, compared, origin, root, unreadable, now() - started);
        });
      });
  }

  function showProgress(p, first, finished, force) {
    var box = byId("ck-progress"), bar = byId("ck-bar"), text = byId("ck-progress-text");
    if (first) box.hidden = false;
    var t = now();
    if (!first && !finished && !force && t - p.shown < 80) return;
    if (p.listing) {
      text.textContent = "正在读取文件列表（" + p.listing + " 个文件）……";
      bar.removeAttribute("value"); /* a moving bar: how long this takes is not known yet */
      return;
    }
    p.shown = t;
    bar.max = Math.max(1, p.totalBytes);
    bar.value = p.bytes;
    text.textContent = finished
      ? "核对完毕：" + p.done + " 个文件。"
      : "正在核对：" + p.done + " / " + p.total + " 个文件（" + core.humanSize(p.bytes) + " / " + core.humanSize(p.totalBytes) + "）……";
    box.setAttribute("data-done", String(p.done));
  }

  /* --- the signature ------------------------------------------------------------------------------ */

  function checkOrigin(read, byPath, compared) {
    var answer = function (state, text) {
      return Promise.resolve({ state: state, text: text });
    };
    if (!read.signed) {
      return answer("unsigned", "本版没有签名，无法在这里确认它来自县委组织部。文件是否完整不受影响。");
    }
    var broken = {};
    for (var i = 0; i < compared.missing.length; i++) broken[compared.missing[i].path] = true;
    for (i = 0; i < compared.damaged.length; i++) broken[compared.damaged[i].entry.path] = true;
    if (broken["signing-key.pub"] || broken["manifest.sig"] || broken["manifest.js"]) {
      return answer("incomplete", "签名文件缺少或已损坏（见上面的列表），无法核对来源。重新拷贝整个离线版后再校验。");
    }
    var unavailable =
      "这个浏览器不能核对签名（它不支持 Ed25519 签名算法）。文件是否完整不受影响。要核对来源，" +
      "请用较新的 Chrome 或 Edge 打开本页，或者在有 studyportal 工具的电脑上运行 studyportal verify。";
    if (!subtle || !subtle.importKey || !subtle.verify) return answer("unavailable", unavailable);
    var pem, sigText;
    return Promise.all([readBytes(byPath["signing-key.pub"]), readBytes(byPath["manifest.sig"])])
      .then(function (both) {
        pem = asText(both[0]);
        sigText = asText(both[1]);
        var der = core.publicKeyDer(pem);
        var signatures = core.parseSignatures(sigText);
        if (!der || !signatures) return { state: "bad", text: "签名文件 manifest.sig 或公钥 signing-key.pub 读不出来（已损坏）：不要使用这份离线版，请重新拷贝。" };
        return hashBytes(der.subarray(12)).then(function (fingerprint) {
          return subtle.importKey("spki", der, { name: "Ed25519" }, false, ["verify"]).then(
            function (key) {
              var message = core.signedMessage(read.text);
              return verifyAll(key, fingerprint, signatures, message).then(function (origin) {
                return origin.state === "ok" ? compareWithRemembered(read, der, fingerprint, signatures, message, origin) : origin;
              });
            },
            function () {
              return { state: "unavailable", text: unavailable };
            }
          );
        });
      })
      .then(null, function () {
        return { state: "unavailable", text: unavailable };
      });
  }

  /* --- the key this computer saw last time (trust on first use, as `apply` pins the key) ----------- */

  function storageKey(read) {
    return "studyportal-check:key:" + read.manifest.folder;
  }

  function remembered(read) {
    try {
      return window.localStorage ? localStorage.getItem(storageKey(read)) : null;
    } catch (e) {
      return null; /* storage turned off: nothing to compare with */
    }
  }

  function remember(read, der) {
    try {
      if (window.localStorage) localStorage.setItem(storageKey(read), core.hex(der));
      return true;
    } catch (e) {
      return false;
    }
  }

  function fromHex(text) {
    var out = new Uint8Array(text.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
    return out;
  }

  /*
   * Unzipping an update over a copy replaces its signing-key.pub too, so the copy cannot vouch for its
   * own key. The page remembers the key it last accepted on this computer and says when it changes:
   * a rotation signed with the old key as well is accepted; any other change is a warning.
   */
  function compareWithRemembered(read, der, fingerprint, signatures, message, origin) {
    var before = remembered(read), now = core.hex(der);
    if (before === now) {
      origin.text += "签名公钥和这台电脑上次校验时的相同。";
      return Promise.resolve(origin);
    }
    if (!before || !/^302a300506032b6570032100[0-9a-f]{64}$/.test(before)) {
      if (remember(read, der)) origin.text += "（这台电脑第一次校验这份离线版，已记住这把公钥；以后公钥变了，本页会提醒你。）";
      return Promise.resolve(origin);
    }
    var old = fromHex(before);
    return hashBytes(old.subarray(12)).then(function (oldPrint) {
      return subtle.importKey("spki", old, { name: "Ed25519" }, false, ["verify"]).then(function (oldKey) {
        return verifyAll(oldKey, oldPrint, signatures, message).then(function (byOld) {
          if (byOld.state === "ok") {
            remember(read, der);
            origin.text += "县委组织部换了签名密钥：这一版同时用旧密钥签了名，本页已改为记住新公钥。";
            return origin;
          }
          return {
            state: "changed",
            text:
              "警告：这一版的签名公钥（指纹 " + core.shortFingerprint(fingerprint) + "）和这台电脑上次校验时记住的（指纹 " +
              core.shortFingerprint(oldPrint) + "）不同，而且没有用原来的密钥签名。如果县委组织部没有通知换密钥，" +
              "这份离线版可能是别人伪造的：先向组织部核实，不要使用。核实确实是组织部的新公钥后，点下面的按钮记住它。",
            accept: function () {
              remember(read, der);
            }
          };
        });
      });
    });
  }

  function verifyAll(key, fingerprint, signatures, message) {
    var mine = [];
    for (var i = 0; i < signatures.length; i++) if (signatures[i].key === fingerprint) mine.push(signatures[i]);
    var shortPrint = core.shortFingerprint(fingerprint);
    if (!mine.length) {
      return Promise.resolve({
        state: "bad",
        text: "签名核对未通过：校验清单的签名不是本版公钥（指纹 " + shortPrint + "）对应的私钥签的。它可能被人改过，不要使用，请向县委组织部索取完整的离线版。"
      });
    }
    return Promise.all(
      mine.map(function (s) {
        return subtle.verify({ name: "Ed25519" }, key, s.signature, message);
      })
    ).then(function (results) {
      for (var j = 0; j < results.length; j++) {
        if (results[j]) {
          return {
            state: "ok",
            text:
              "签名核对通过：校验清单由公钥指纹为 " + shortPrint + " 的私钥签名。第一次使用这份离线版时，" +
              "请把这个指纹和县委组织部通知的指纹逐位核对：对得上，才说明它确实来自组织部。"
          };
        }
      }
      return { state: "bad", text: "签名核对未通过：校验清单在签名之后被改动过。不要使用这份离线版，请向县委组织部索取完整的离线版重新拷贝。" };
    });
  }

  /* --- showing the result ------------------------------------------------------------------------- */

  function showMessage(state, title, lines) {
    var result = byId("ck-result");
    result.textContent = "";
    result.setAttribute("data-state", state);
    result.appendChild(el("h2", { "class": "ck-verdict ck-verdict--bad" }, [title]));
    for (var i = 0; i < lines.length; i++) result.appendChild(el("p", {}, [lines[i]]));
    result.hidden = false;
  }

  function fileItem(path, title, note) {
    var children = [el("code", {}, [path])];
    if (title) children.push("《" + title + "》");
    if (note) children.push(el("span", { "class": "ck-note" }, [note]));
    return el("li", { "data-path": path }, children);
  }

  function fileList(kind, items) {
    var list = el("ul", { "class": "ck-list ck-list--" + kind, "data-sp-list": kind });
    for (var i = 0; i < items.length && i < SHOWN; i++) list.appendChild(items[i]);
    if (items.length > SHOWN) list.appendChild(el("li", { "class": "ck-more" }, ["……另有 " + (items.length - SHOWN) + " 个"]));
    return list;
  }

  function damagedNote(d, unreadable) {
    if (d.entry.path === "manifest.js" && d.size === null) return "本页的清单和 manifest.json 对不上";
    if (unreadable.indexOf(d.entry.path) >= 0) return "读不出来，文件已损坏";
    if (d.size !== d.entry.size) return "大小不对：应为 " + d.entry.size + " 字节，现在 " + d.size + " 字节";
    return "内容和清单不符";
  }

  function took(seconds) {
    return el("span", { "class": "ck-time" }, ["（用时 " + seconds + " 秒）"]);
  }

  function showResult(read, r, origin, root, unreadable, ms) {
    var result = byId("ck-result"), m = read.manifest;
    var state = core.verdict(read, r);
    if (state === "intact" && (origin.state === "bad" || origin.state === "changed")) state = "untrusted";
    result.textContent = "";
    result.setAttribute("data-state", state);
    result.setAttribute("data-ms", String(Math.round(ms)));
    if (root.nested) {
      result.appendChild(el("p", { "class": "ck-note" }, ["你选的是上一级文件夹，本页核对的是其中的 " + root.prefix.split("/").slice(-2)[0] + " 文件夹。"]));
    }
    var seconds = (ms / 1000).toFixed(1);
    if (state === "wrong") {
      showMessage("wrong", "选错了文件夹", [
        "你选的文件夹里找不到这份离线版的文件。请再选一次：选 校验.html 所在的那个文件夹（名字一般是 " + m.folder + "）。"
      ]);
      return;
    }
    if (state === "intact") {
      result.appendChild(el("h2", { "class": "ck-verdict ck-verdict--ok" }, ["完整"]));
      result.appendChild(el("p", {}, ["本离线版的 " + r.checked + " 个文件全部正确，可以放心使用", took(seconds), "。"]));
    } else if (state === "untrusted") {
      result.appendChild(el("h2", { "class": "ck-verdict ck-verdict--bad" }, ["来源核对未通过"]));
      result.appendChild(el("p", {}, ["文件和清单对得上，但签名有问题（见下面的“来源”）。在弄清楚之前，不要使用这份离线版。"]));
    } else {
      result.appendChild(el("h2", { "class": "ck-verdict ck-verdict--bad" }, ["不完整"]));
      result.appendChild(
        el("p", {}, ["缺少 " + r.missing.length + " 个文件，已损坏 " + r.damaged.length + " 个，多出 " + r.extra.length + " 个", took(seconds), "。"])
      );
    }
    var items, i;
    if (r.missing.length) {
      result.appendChild(el("h3", {}, ["缺少（" + r.missing.length + " 个）"]));
      result.appendChild(el("p", {}, ["这些文件不见了："]));
      items = [];
      for (i = 0; i < r.missing.length; i++) items.push(fileItem(r.missing[i].path, r.missing[i].title));
      result.appendChild(fileList("missing", items));
    }
    if (r.damaged.length) {
      result.appendChild(el("h3", {}, ["已损坏（" + r.damaged.length + " 个）"]));
      result.appendChild(el("p", {}, ["这些文件的内容和清单不符：拷贝时出了错、U 盘有坏块，或者被人改过："]));
      items = [];
      for (i = 0; i < r.damaged.length; i++) items.push(fileItem(r.damaged[i].entry.path, r.damaged[i].entry.title, damagedNote(r.damaged[i], unreadable)));
      result.appendChild(fileList("damaged", items));
    }
    if (r.extra.length) {
      result.appendChild(el("h3", {}, ["多出的文件（" + r.extra.length + " 个）"]));
      result.appendChild(el("p", {}, ["清单里没有这些文件。如果不是你自己放进去的，可以删除："]));
      items = [];
      for (i = 0; i < r.extra.length; i++) items.push(fileItem(r.extra[i]));
      result.appendChild(fileList("extra", items));
    }
    if (r.removable.length) {
      result.appendChild(el("h3", {}, ["可以删除（" + r.removable.length + " 个）"]));
      result.appendChild(el("p", {}, ["这些是旧版的文件，更新后的新版已经不用了（解压更新包时不会自动删除它们）。删掉它们不影响使用，留着也没关系："]));
      items = [];
      for (i = 0; i < r.removable.length; i++) items.push(fileItem(r.removable[i]));
      result.appendChild(fileList("removable", items));
    }
    if (r.ignored.length) {
      result.appendChild(el("p", { "class": "ck-note" }, ["已忽略系统自动生成的文件 " + r.ignored.length + " 个（如 Thumbs.db），它们不影响使用。"]));
    }
    if (state === "broken") {
      result.appendChild(el("h3", {}, ["怎么办"]));
      var advice = [el("li", {}, ["最简单的办法：从 U 盘重新拷贝完整的离线版压缩包，解压后替换这个文件夹。"])];
      if (m.previous && (r.missing.length || r.damaged.length)) {
        advice.push(
          el("li", {}, [
            "如果你刚把更新包解压到这里：更新包只能用在它对应的那一版（生成于 " +
              String(m.previous.built || "").slice(0, 16).replace("T", " ") +
              " 的版本）上。装的是更早的版本时，请直接拷贝完整的新版。"
          ])
        );
      }
      if (r.extra.length) advice.push(el("li", {}, ["只有“多出的文件”时，删掉它们再校验一次即可。"]));
      result.appendChild(el("ul", {}, advice));
    }
    result.appendChild(el("h3", {}, ["来源（签名）"]));
    result.appendChild(el("p", { id: "ck-origin", "data-state": origin.state }, [origin.text]));
    if (origin.accept) {
      var accept = el("button", { type: "button", "class": "ck-accept", id: "ck-accept" }, ["我已向县委组织部核实：记住这把新公钥"]);
      accept.addEventListener("click", function () {
        origin.accept();
        accept.disabled = true;
        accept.textContent = "已记住新公钥。请重新校验一次。";
      });
      result.appendChild(el("p", {}, [accept]));
    }
    result.appendChild(
      el("p", { "class": "ck-note", "data-sp-method": subtle ? "webcrypto" : "js" }, [
        subtle ? "校验码由浏览器自带的 SHA-256 计算。" : "这个浏览器没有自带的 SHA-256，校验码由本页自带的程序计算（较慢，结果相同）。"
      ])
    );
    result.hidden = false;
    result.focus();
  }

  /* --- start-up ----------------------------------------------------------------------------------- */

  function init() {
    var input = byId("ck-folder"), read = null, problem;
    byId("ck-noscript").hidden = true;
    if (!core || !sha) {
      problem = "本页的程序文件（assets/studyportal/ 里的 checkcore.js、sha256.js）缺少或已损坏，无法校验。请从 U 盘重新拷贝整个离线版。";
    } else if (!window.studyportalManifest) {
      problem = "本页的校验清单 manifest.js 缺少或已损坏，无法校验。请从 U 盘重新拷贝整个离线版。";
    } else {
      try {
        read = core.readData(window.studyportalManifest);
      } catch (e) {
        problem = e.message;
      }
    }
    if (!read) {
      showMessage("unusable", "无法校验", [problem]);
      input.disabled = true;
      return;
    }
    showEdition(read);
    if (!("webkitdirectory" in input)) {
      showMessage("unusable", "这个浏览器不能选择文件夹", [
        "请用较新的 Chrome、Edge、Firefox 或 360 浏览器（极速模式）打开本页；也可以在有 studyportal 工具的电脑上运行 studyportal verify。"
      ]);
      input.disabled = true;
      return;
    }
    var running = false;
    input.addEventListener("change", function () {
      if (running) return;
      running = true;
      byId("ck-pick").setAttribute("aria-busy", "true");
      start(read, input.files).then(
        function () {
          running = false;
          byId("ck-pick").removeAttribute("aria-busy");
          input.value = "";
        },
        function (error) {
          running = false;
          byId("ck-pick").removeAttribute("aria-busy");
          if (window.console) console.error(error); /* for whoever debugs this page */
          showMessage("failed", "校验没有完成", ["读取文件时出了错。请关闭本页，重新打开后再选一次文件夹。"]);
        }
      );
    });
    document.documentElement.setAttribute("data-ck-ready", "true");
  }

  init();
})();
