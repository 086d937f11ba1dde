// The choosing session's big screen: listens to the project's server-sent events and
// redraws whose turn it is, the next five and what is left. Text only, never markup.
(function () {
  "use strict";
  var root = document.querySelector("[data-choosing-events]");
  if (!root) { return; }
  function field(name) { return root.querySelector('[data-field="' + name + '"]'); }
  function setText(el, value) { if (el) { el.textContent = String(value); } }
  function fill(tbody, rows) {
    if (!tbody) { return; }
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    rows.forEach(function (cells) {
      var tr = document.createElement("tr");
      cells.forEach(function (c) {
        var td = document.createElement("td");
        td.textContent = String(c);
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
  }
  function render(s) {
    var c = s.current;
    setText(field("current-position"), c ? c.position : "—");
    setText(field("current-code"), c ? c.household_code : (s.open ? "本轮选房已完成" : "选房尚未开始"));
    setText(field("current-name"), c ? c.head_name : "");
    setText(field("chosen"), s.chosen);
    setText(field("waiting"), s.waiting);
    fill(field("next"), s.next.map(function (n) {
      return [n.position, n.household_code, n.head_name + (n.absent ? "（未到场）" : "")];
    }));
    fill(field("stock"), s.stock.map(function (x) {
      return [x.kind, x.building, x.layout, x.vacant + " / " + x.total];
    }));
    root.setAttribute("data-updated", String(Date.now()));
  }
  try { render(JSON.parse(root.getAttribute("data-initial"))); } catch (e) { /* keep the server's text */ }
  if (!window.EventSource) { return; }
  var status = field("status");
  var source = new EventSource(root.getAttribute("data-choosing-events"));
  source.addEventListener("choosing", function (ev) {
    setText(status, "实时");
    render(JSON.parse(ev.data));
  });
  source.addEventListener("problem", function (ev) { setText(status, ev.data); });
  source.onerror = function () { setText(status, "连接中断，正在重连…"); };
})();
