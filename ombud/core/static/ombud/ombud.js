// Small progressive enhancements; every page works without them.
document.addEventListener("click", function (e) {
  var el = e.target.closest("[data-print]");
  if (el) { window.print(); }
  var pick = e.target.closest("[data-fill]");
  if (pick) {  // a typeahead suggestion: fill the named fields and close the list
    var data = JSON.parse(pick.getAttribute("data-fill"));
    Object.keys(data).forEach(function (name) {
      var input = document.querySelector("[name='" + name + "']");
      if (input) { input.value = data[name]; input.dispatchEvent(new Event("change", {bubbles: true})); }
    });
    var odr = document.getElementById("odr-choice");
    if (odr) { odr.hidden = !data.odr_enrolled_flag; }
    var list = pick.closest("ul"); if (list) { list.remove(); }
  }
  var all = e.target.closest("[data-check-all]");
  if (all) { document.querySelectorAll("input[name='tickets']").forEach(function (c) { c.checked = all.checked; }); }
});
document.addEventListener("keydown", function (e) {
  // Operator console: Alt+1/2/3 pick complaint/report/consultation; Alt+S submits.
  if (!e.altKey) { return; }
  var map = {"1": "complaint", "2": "report", "3": "consultation"};
  if (map[e.key]) {
    var radio = document.querySelector("input[name='kind'][value='" + map[e.key] + "']");
    if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", {bubbles: true})); e.preventDefault(); }
  }
  if (e.key === "s") { var f = document.querySelector("form[data-console]"); if (f) { f.requestSubmit(); e.preventDefault(); } }
});
document.addEventListener("change", function (e) {
  if (e.target.name === "kind") {
    document.querySelectorAll("[data-kind]").forEach(function (el) {
      el.hidden = el.getAttribute("data-kind").split(" ").indexOf(e.target.value) < 0;
    });
  }
});
// Guided forms: one step at a time when scripts run; every step shown when they do not.
function showStep(form, n) {
  var steps = form.querySelectorAll("fieldset[data-step]");
  steps.forEach(function (fs, i) { fs.hidden = i !== n; });
  form.querySelectorAll(".steps li").forEach(function (li, i) {
    if (i === n) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
  });
  form.setAttribute("data-current", n);
  var first = steps[n] && steps[n].querySelector("input, select, textarea, button");
  if (first && document.activeElement && document.activeElement.closest("[data-next],[data-prev]")) { first.focus(); }
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-steps]").forEach(function (form) {
    var invalid = form.querySelector("[aria-invalid='true']");
    var start = 0;
    if (invalid) {
      var fs = invalid.closest("fieldset[data-step]");
      start = Array.prototype.indexOf.call(form.querySelectorAll("fieldset[data-step]"), fs);
    }
    showStep(form, Math.max(start, 0));
  });
});
document.addEventListener("click", function (e) {
  var next = e.target.closest("[data-next]"), prev = e.target.closest("[data-prev]");
  if (!next && !prev) { return; }
  var form = e.target.closest("form[data-steps]");
  var n = parseInt(form.getAttribute("data-current") || "0", 10) + (next ? 1 : -1);
  showStep(form, Math.max(0, Math.min(n, form.querySelectorAll("fieldset[data-step]").length - 1)));
});
