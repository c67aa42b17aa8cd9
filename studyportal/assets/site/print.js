/* The 打印 buttons (theme/partials/sp-print.html): hidden until this script runs, since without JavaScript they
   could do nothing. 打印本页 opens the browser's print dialog; 打印签到表 and 打印讨论记录 (on a class outline) first
   put a class on <html>, say sp-print-sheet-sign-in, with which the print styles print that sheet alone
   (theme/partials/sp-sheets.html). The class goes on afterprint, and at the start of any print no button asked for
   (Ctrl+P later, where a browser never said afterprint): it is not dropped as soon as print() returns, since on phones
   print() returns before the page is printed. Written for old browsers too (no arrows). */
(function () {
  var root = document.documentElement;
  var asked = false;
  function clear() {
    root.className = root.className.replace(/\s*\bsp-print-sheet-[\w-]+/g, "");
  }
  function press(sheet) {
    clear();
    if (sheet) root.className += " sp-print-sheet-" + sheet;
    asked = true;
    window.print();
  }
  var buttons = document.querySelectorAll("[data-sp-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { press(this.getAttribute("data-sp-print")); });
  }
  window.addEventListener("beforeprint", function () {
    if (!asked) clear();
    asked = false;
  });
  window.addEventListener("afterprint", clear);
})();
