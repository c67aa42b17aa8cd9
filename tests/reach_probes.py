"""What the accessibility tests measure in a page: JavaScript run from outside with ``page.evaluate``.

Each probe looks at the page as a reader sees it: only text that is shown (not hidden, not
transparent, with a size), colours composed over the backgrounds behind them, sizes in CSS pixels.
"""

from __future__ import annotations

# Helpers every probe starts with: colour parsing, WCAG relative luminance and contrast, visibility.
_COMMON = r"""
const parse = (c) => {
  const m = /rgba?\(([^)]+)\)/.exec(c || '');
  if (!m) return null;
  const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
const lum = (c) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
};
const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
/* The solid colour behind an element: its own and its ancestors' backgrounds, composed; null over a picture. */
const backdrop = (el) => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.backgroundImage !== 'none') return null;
    const c = parse(s.backgroundColor);
    if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  let bg = [255, 255, 255, 1];
  for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
  return bg;
};
const opacity = (el) => { let o = 1; for (let e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity); return o; };
const shown = (el) => {
  if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) return false;
  const r = el.getBoundingClientRect();
  return r.width > 1 && r.height > 1 && opacity(el) > 0.1;
};
const ownText = (el) => Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.data).join('').trim();
const FIELDS = 'input[type=text], input[type=search], input:not([type])';
/* Every element that shows text of its own (and form fields, whose text is their value or placeholder). */
const texts = () => Array.from(document.body.querySelectorAll('*')).filter(el =>
  !['SCRIPT', 'STYLE', 'svg', 'OPTION', 'TEMPLATE'].includes(el.tagName) &&
  (ownText(el) || el.tagName === 'SELECT' || (el.matches(FIELDS) && (el.value || el.placeholder))) && shown(el));
const describe = (el) => el.tagName.toLowerCase()
  + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '')
  + ' “' + (ownText(el) || el.value || el.placeholder || '').slice(0, 24) + '”';
"""

CONTRAST = (
    "(least) => {"
    + _COMMON
    + r"""
  const out = [];
  for (const el of texts()) {
    const bg = backdrop(el);
    if (!bg) continue;
    const s = getComputedStyle(el);
    const colours = [s.color];
    if (el.tagName === 'INPUT' && !el.value) colours[0] = getComputedStyle(el, '::placeholder').color;
    for (const c of colours) {
      const fg = parse(c);
      if (!fg) continue;
      fg[3] *= opacity(el);
      const r = ratio(over(fg, bg), bg);
      if (r < least) out.push(`${describe(el)}: ${r.toFixed(2)} (${c} on rgb(${bg.slice(0, 3).map(Math.round)}))`);
    }
  }
  return out;
}"""
)
"""Texts whose contrast with what is behind them is below ``least`` (argument): a list of descriptions."""

FONT_SIZES = (
    "() => {"
    + _COMMON
    + r"""
  const all = texts().map(el => [describe(el), parseFloat(getComputedStyle(el).fontSize)]);
  const body = Array.from(document.querySelectorAll('main article p, main article li'))
    .filter(el => ownText(el) && shown(el) && !el.closest('main article header, main article nav'))
    .map(el => [describe(el), parseFloat(getComputedStyle(el).fontSize)]);
  return {all, body};
}"""
)
"""``{all: [[text, px]…], body: [[text, px]…]}``: every shown text's font size, and the main text's.

The main text: paragraphs and list items of the page, not the facts in its header (badges, dates).
"""

SPACING = r"""() => {
  const out = [];
  const ps = Array.from(document.querySelectorAll('main article p')).filter(p => p.getClientRects().length);
  for (const p of ps) {
    const s = getComputedStyle(p);
    const line = parseFloat(s.lineHeight), size = parseFloat(s.fontSize);
    if (!(line >= 1.3 * size)) out.push(`line height ${line} px for ${size} px text: “${p.textContent.trim().slice(0, 20)}”`);
    const next = p.nextElementSibling;
    if (next && next.tagName === 'P' && next.getClientRects().length) {
      const gap = next.getBoundingClientRect().top - p.getBoundingClientRect().bottom;
      if (gap < 1.3 * line) out.push(`paragraph gap ${gap.toFixed(1)} px < 1.3 × ${line} px: “${next.textContent.trim().slice(0, 20)}”`);
    }
  }
  return out;
}"""
"""Paragraphs of the main text whose line height is under 1.3 font sizes, or whose gap to the next is under 1.3 line heights."""

OVERFLOW = r"""() => {
  const d = document.documentElement;
  const cut = Array.from(document.querySelectorAll('main *, .md-header *, .sp-reach *')).filter(el => {
    if (!el.getClientRects().length || !el.checkVisibility({ visibilityProperty: true })) return false;
    for (let a = el.parentElement; a; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll') return false;  /* scrolls in its own box, as a wide table does */
    }
    const r = el.getBoundingClientRect();
    return r.right > d.clientWidth + 1 || r.left < -1;
  }).map(el => el.tagName.toLowerCase() + '.' + String(el.className).trim().split(/\s+/).join('.'));
  return {scroll: d.scrollWidth, client: d.clientWidth, body: document.body.scrollWidth, cut: cut.slice(0, 5)};
}"""
"""The page's width against the window's, and elements out of the window sideways (not inside a box that scrolls)."""

FOCUSED = (
    "() => {"
    + _COMMON
    + r"""
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const inView = r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1), y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  return {what: describe(el), shown: shown(el) && inView, onTop: !!hit && (el.contains(hit) || hit.contains(el)),
          main: !!el.closest('main')};
}"""
)
"""The focused element: what it is, whether it is shown in the window, on top (not under another), and inside main."""

OUTLINE = (
    "(selector) => {"
    + _COMMON
    + r"""
  const el = document.querySelector(selector);
  const s = getComputedStyle(el);
  const width = parseFloat(s.outlineWidth);
  if (s.outlineStyle === 'none' || !width) return {width: 0, ratio: 1};
  /* the outline is drawn over the element's edge (negative offset) or beside it: compare with what is there */
  const offset = parseFloat(s.outlineOffset);
  const behind = offset < 0 ? backdrop(el) : backdrop(el.parentElement);
  return {width, ratio: ratio(over(parse(s.outlineColor), behind), behind)};
}"""
)
"""The outline of the element ``selector`` names: its width in px and its contrast with what surrounds it."""
