// The long-work page: asks how far the import or report has got every 1.5 s and moves the bar; when it
// has ended, loads the page again to show what it found. Without this script the page has a link to
// look again, so nothing depends on it.
(function () {
  var box = document.getElementById("work");
  if (!box) return;
  var bar = document.getElementById("work-progress");
  var step = document.getElementById("work-step");
  var figures = document.getElementById("work-figures");
  var isImport = box.getAttribute("data-kind") === "import";
  function size(n) {
    return n >= 1e6 ? (n / 1e6).toFixed(1) + " MB" : n >= 1e3 ? Math.floor(n / 1e3) + " KB" : n + " bytes";
  }
  function ask() {
    fetch(box.getAttribute("data-progress"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (p.status !== "running") { window.location.reload(); return; }
        if (isImport) {
          step.textContent = p.pass === 1 ? "Reading the file" : "Writing the records";
        }
        if (p.total_bytes) {
          var done = Math.min(p.done_bytes, p.total_bytes);
          bar.max = p.total_bytes;
          bar.value = done;
          figures.textContent = size(done) + " of " + size(p.total_bytes) + " read (" +
            Math.floor(done * 100 / p.total_bytes) + "%)";
        } else {
          figures.textContent = size(p.done_bytes) + " read";
        }
        setTimeout(ask, 1500);
      })
      .catch(function () { setTimeout(ask, 5000); });
  }
  setTimeout(ask, 1500);
})();
