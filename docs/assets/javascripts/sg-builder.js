/* Policy builder: fills the policy's fill-in fields with what is typed, to print or copy.
   Runs only in this page: nothing is sent anywhere and nothing is stored. Each field to fill is a
   <mark class="sg-placeholder" data-sg-fill="organisation|contact"> written by the build from the
   policy page; the other highlighted fields are left for the organisation to adapt. */
(function () {
  "use strict";
  var output = document.getElementById("sg-builder-output");
  if (!output) return;
  var inputs = {
    organisation: document.getElementById("sg-builder-organisation"),
    contact: document.getElementById("sg-builder-contact")
  };
  var marks = Array.prototype.slice.call(output.querySelectorAll("mark.sg-placeholder"));
  var status = document.getElementById("sg-builder-status");
  var remaining = document.getElementById("sg-builder-remaining");
  marks.forEach(function (m) { m.setAttribute("data-sg-original", m.textContent); });

  function say(text) {
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function fill() {
    var left = 0;
    marks.forEach(function (m) {
      var kind = m.getAttribute("data-sg-fill");
      var input = kind ? inputs[kind] : null;
      var value = input ? input.value.replace(/\s+/g, " ").trim() : "";
      if (value) {
        m.textContent = value;
        m.classList.add("sg-placeholder--filled");
      } else {
        m.textContent = m.getAttribute("data-sg-original");
        m.classList.remove("sg-placeholder--filled");
        left += 1;
      }
    });
    if (remaining) {
      remaining.textContent = left === 0
        ? "Every fill-in field is filled in. Read the whole policy before you adopt it."
        : left + (left === 1 ? " highlighted part still needs" : " highlighted parts still need") +
          " your attention before you adopt the policy.";
    }
    output.setAttribute("data-sg-remaining", String(left));
  }

  Object.keys(inputs).forEach(function (k) {
    if (inputs[k]) inputs[k].addEventListener("input", fill);
  });
  fill();

  var print = document.getElementById("sg-builder-print");
  if (print) print.addEventListener("click", function () { window.print(); });

  function plainText() {
    // The policy as it reads on screen, without the note about highlighted parts and the
    // headings' permalink signs.
    var skip = Array.prototype.slice.call(output.querySelectorAll(".headerlink, #sg-builder-remaining"));
    var was = skip.map(function (el) { return el.style.display; });
    skip.forEach(function (el) { el.style.display = "none"; });
    var text = output.innerText;
    skip.forEach(function (el, i) { el.style.display = was[i]; });
    return text.replace(/\n{3,}/g, "\n\n").trim() + "\n";
  }
  function copyFallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  var copy = document.getElementById("sg-builder-copy");
  if (copy) copy.addEventListener("click", function () {
    var text = plainText();
    var done = function () { say("The policy text is copied: paste it into your own document."); };
    var failed = function () {
      if (copyFallback(text)) done();
      else say("Copying did not work in this browser: select the policy text below and copy it yourself.");
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, failed);
    else failed();
  });
})();
