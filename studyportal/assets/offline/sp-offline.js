/* 离线版：旧浏览器没有 ResizeObserver 时用窗口大小变化代替，不去网上下载补丁。 */
(function () {
  if (typeof window.ResizeObserver !== "undefined") return;
  function Observer(callback) {
    var self = this;
    this.callback = callback;
    this.targets = [];
    this.onResize = function () { self.notify(); };
    window.addEventListener("resize", this.onResize);
  }
  Observer.prototype.observe = function (target) {
    var self = this;
    this.targets.push(target);
    setTimeout(function () { self.notify(); }, 0);
  };
  Observer.prototype.unobserve = function (target) {
    this.targets = this.targets.filter(function (t) { return t !== target; });
  };
  Observer.prototype.disconnect = function () {
    this.targets = [];
    window.removeEventListener("resize", this.onResize);
  };
  Observer.prototype.notify = function () {
    var entries = this.targets.map(function (t) {
      return { target: t, contentRect: { width: t.offsetWidth, height: t.offsetHeight, top: 0, left: 0 } };
    });
    if (entries.length) this.callback(entries, this);
  };
  window.ResizeObserver = Observer;
})();
