/*
 * Which offline copy this is: edition, build date and version code in every page's footer
 * (partials/copyright.html) and on the offline home page (sp-home.html), with a link to 校验.html.
 *
 * The data is in this one file, not in the pages, so the pages of two builds with the same materials
 * stay byte-identical and an update package carries only what really changed. On the web site the
 * data is null and nothing is shown; `studyportal bundle` writes the copy's data in place of the
 * null at the end (studyportal/bundle/checkpage.py). The page's address is found from this file's
 * own (it lives at assets/studyportal/stamp.js). ES5 syntax only: village terminals run old browsers.
 */
(function (stamp) {
  "use strict";
  window.__spStamp = stamp;
  if (!stamp) return;
  var script = document.currentScript;
  var root = script ? script.src.replace(/assets\/studyportal\/stamp\.js(?:[?#].*)?$/, "") : "";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var key in attrs) if (Object.prototype.hasOwnProperty.call(attrs, key)) node.setAttribute(key, attrs[key]);
    for (var i = 0; i < children.length; i++) node.appendChild(typeof children[i] === "string" ? document.createTextNode(children[i]) : children[i]);
    return node;
  }

  var facts = stamp.editionName + " · 生成于 " + stamp.built + " · 版本号 " + stamp.version;
  var checkPage = root + "%E6%A0%A1%E9%AA%8C.html"; /* 校验.html */
  var targets = document.querySelectorAll("[data-sp-stamp]");
  for (var i = 0; i < targets.length; i++) {
    var target = targets[i];
    target.textContent = "";
    if (target.getAttribute("data-sp-stamp") === "plain") {
      target.appendChild(document.createTextNode("本离线版：" + facts));
    } else {
      target.appendChild(document.createTextNode("离线版 · " + facts + " · "));
      target.appendChild(el("a", { href: checkPage }, ["检查是否完整"]));
    }
    target.hidden = false;
  }
  var home = document.querySelector("[data-sp-edition]");
  if (home) {
    home.textContent = "";
    home.appendChild(el("p", { "class": "sp-edition__facts" }, [el("strong", {}, ["本离线版："]), stamp.editionName]));
    home.appendChild(el("p", {}, ["生成于 " + stamp.built + "　版本号 " + stamp.version]));
    home.appendChild(
      el("p", {}, [
        el("a", { href: checkPage, "class": "sp-edition__check" }, ["检查这份离线版是否完整（校验.html）"]),
        "　建议把本页加入浏览器的书签（按 Ctrl+D），以后直接从书签打开。"
      ])
    );
    home.hidden = false;
  }
})(/* stamp */ null);
