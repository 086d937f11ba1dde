// The live wall: listens to the server-sent events of the project and redraws the figures
// in place, without reloading. No framework, no build step. Names are inserted as text,
// never as markup; only the server-drawn SVG curve is inserted as markup.
(function () {
  "use strict";
  var root = document.querySelector("[data-wall-events]");
  if (!root || !window.EventSource) { return; }

  function field(name) { return root.querySelector('[data-field="' + name + '"]'); }
  function setText(el, value) { if (el) { el.textContent = String(value); } }
  function row(cells) {
    var tr = document.createElement("tr");
    cells.forEach(function (c, i) {
      var td = document.createElement("td");
      td.textContent = String(c);
      if (i > 0 && typeof c === "number") { td.className = "num"; }
      tr.appendChild(td);
    });
    return tr;
  }
  function fill(tbody, rows) {
    if (!tbody) { return; }
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    rows.forEach(function (r) { tbody.appendChild(row(r)); });
  }

  function render(w) {
    setText(field("date"), w.date);
    setText(field("deadline"), w.deadline_text);
    setText(field("total"), w.progress.total);
    setText(field("visits"), w.visits_today);
    setText(field("remaining"), w.remaining_to_sign);
    var banner = field("banner");
    if (banner) { banner.hidden = !w.cleared_to_zero; }
    w.tiles.forEach(function (t) {
      var tile = root.querySelector('[data-tile="' + t.key + '"]');
      if (!tile) { return; }
      setText(tile.querySelector("[data-count]"), t.count);
      setText(tile.querySelector("[data-total]"), t.total);
      setText(tile.querySelector("[data-percent]"), t.percent);
      setText(tile.querySelector("[data-today]"), t.today);
    });
    var curve = field("curve");
    if (curve && w.curve_svg) { curve.innerHTML = w.curve_svg; }
    fill(field("groups"), w.groups.map(function (g) {
      return [g.name, g.total, g.signed, g.vacated, g.signed_percent];
    }));
    fill(field("leaderboard"), w.leaderboard.map(function (l) {
      return [l.rank, l.name, l.group, l.total, l.signed, l.signed_today, l.vacated];
    }));
    var now = new Date();
    setText(field("status"), "实时 · 更新于 " + now.toLocaleTimeString("zh-CN", { hour12: false }));
  }

  var source = new EventSource(root.getAttribute("data-wall-events"));
  source.addEventListener("wall", function (e) {
    try { render(JSON.parse(e.data)); } catch (err) { setText(field("status"), "数据格式有误"); }
  });
  source.addEventListener("problem", function (e) { setText(field("status"), e.data); });
  source.onerror = function () { setText(field("status"), "连接中断，正在重连…"); };
})();
