// The compose page's check as you type: after a pause in typing (or a change of person or channel) the
// form is posted to the check route and its answer, the same panel the Check button shows, replaces
// the last one in the live region. Without this script the Check button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-check-url]");
  if (!form || !window.fetch) { return; }
  var result = document.getElementById("check-result");
  var timer = null;
  var asked = 0;
  function check() {
    var mine = ++asked;
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-check-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
      // Only the answer to the latest question is shown.
      if (html !== null && mine === asked) { result.innerHTML = html; }
    }).catch(function () {});
  }
  function soon() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(check, 400);
  }
  // The reason for going past a warning is not part of the question.
  function changed(e) { if (e.target.name !== "proceed_reason") { soon(); } }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
})();
