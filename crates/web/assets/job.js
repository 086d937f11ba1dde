// A running job's page: reads GET /api/v1/jobs/{id} twice a second and moves the bar and
// the counters; once the job has ended the page is loaded again to show its result.
// Without script the page refreshes itself (a <noscript> refresh) instead.
(function () {
  "use strict";
  var live = document.getElementById("job-live");
  if (!live) { return; }
  var id = live.getAttribute("data-job");
  var set = function (el, text) { var e = document.getElementById(el); if (e) { e.textContent = text; } };
  var tick = function () {
    fetch("/api/v1/jobs/" + id, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) { return; }
        if (j.state !== "queued" && j.state !== "running") { window.location.reload(); return; }
        set("job-read", j.rows_read);
        set("job-written", j.rows_written);
        set("job-eta", j.eta);
        var bar = document.getElementById("job-bar");
        if (bar && j.rows_total) { bar.max = j.rows_total; bar.value = j.rows_read; }
        window.setTimeout(tick, 500);
      })
      .catch(function () { window.setTimeout(tick, 2000); });
  };
  window.setTimeout(tick, 500);
})();
