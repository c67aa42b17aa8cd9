/* Material for MkDocs' start-up helpers, which Material writes inline into every page. Kept as a file
   so that the pages' Content-Security-Policy can refuse all inline script. The site root is found
   from this file's own address (it lives at assets/studyportal/boot.js). */
var __md_scope = new URL("../../", document.currentScript.src),
  __md_hash = function (e) {
    return Array.from(e).reduce(function (h, c) { return (h << 5) - h + c.charCodeAt(0); }, 0);
  },
  __md_get = function (e, s, t) {
    s = s || localStorage; t = t || __md_scope;
    return JSON.parse(s.getItem(t.pathname + "." + e));
  },
  __md_set = function (e, v, s, t) {
    s = s || localStorage; t = t || __md_scope;
    try { s.setItem(t.pathname + "." + e, JSON.stringify(v)); } catch (err) { /* storage full or refused */ }
  };
/* studyportal: the reader's 适老化 choices (大字, 高对比, 大鼠标; reach.js saves them), set before the
   first paint so that a page never flashes in the wrong size or colours. sp-reach-js shows the bar. */
(function (c) {
  var p = {};
  try { p = __md_get("sp-reach") || {}; } catch (err) { /* storage refused: the defaults */ }
  c.add("sp-reach-js");
  if (p.big) c.add("sp-big");
  if (p.contrast) c.add("sp-contrast");
  if (p.cursor) c.add("sp-cursor");
})(document.documentElement.classList);
