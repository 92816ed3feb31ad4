// The trainer's inbox: one message of the review file at a time, labelled with the keyboard.
// Messages are set with textContent only (buyers' words never become HTML); no inline script, no eval.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
  var REASONS = { low_confidence: "置信度低", close_call: "前两名接近", fallback: "兜底", handoff: "转人工", far: "和训练数据差得远" };
  var state = null;      // the last /api/inbox/next answer
  var history = [];      // ids labelled on this page, newest last, for undo
  var busy = false;

  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; }
  function pct(c) { return c == null ? "" : " (" + Math.round(c * 100) + "%)"; }
  function showError(text) { $("error").textContent = text || ""; $("error").hidden = !text; }

  function api(method, path, body) {
    return fetch(path, {
      method: method, credentials: "same-origin",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      if (r.status === 401) { location.href = "/console"; throw new Error("signed out"); }
      return r.json().then(function (b) { if (!r.ok) { throw new Error(b.error || String(r.status)); } return b; });
    });
  }

  function renderIntents() {
    var list = $("intents"), filter = $("filter").value.trim().toLowerCase();
    var keep = list.value || (state && state.item ? state.item.predicted : "");
    list.textContent = "";
    var names = state.intents.concat(state.new_intents);
    names.forEach(function (name) {
      if (filter && name.toLowerCase().indexOf(filter) < 0) return;
      var isNew = state.intents.indexOf(name) < 0;
      var option = el("option", name + (isNew ? "（新）" : ""));
      option.value = name;
      list.appendChild(option);
    });
    list.value = keep;
    if (list.selectedIndex < 0 && filter && list.options.length) list.selectedIndex = 0;
  }

  function render(next) {
    state = next;
    showError("");
    $("undo").disabled = history.length === 0;
    $("progress").textContent = next.total ? next.position + " / " + next.total : "0 / 0";
    $("new-form").hidden = true;
    if (next.done) {
      $("card").hidden = true;
      $("done").hidden = false;
      $("apply-command").textContent = next.apply_command;
      $("undo-done").hidden = history.length === 0;
      return;
    }
    var item = next.item;
    $("done").hidden = true;
    $("card").hidden = false;
    $("text").textContent = item.text;
    $("reasons").textContent = item.reasons.map(function (r) { return REASONS[r] || r; }).join(" · ");
    $("guess").textContent = item.predicted ? item.predicted + pct(item.confidence) : "（无）";
    var alts = $("alts");
    alts.textContent = "";
    item.alternatives.slice(0, 3).forEach(function (alt, i) {
      var b = el("button", null, "alt");
      b.type = "button";
      b.appendChild(el("kbd", String(i + 1)));
      b.appendChild(document.createTextNode(" " + alt.name + pct(alt.confidence)));
      b.addEventListener("click", function () { send(alt.name); });
      alts.appendChild(b);
    });
    $("filter").value = "";
    $("intents").value = "";
    renderIntents();
    $("intents").value = item.predicted || "";
    $("intents").focus();
  }

  function load() {
    return api("GET", "/api/inbox/next").then(render).catch(function (e) { showError(e.message); });
  }

  function send(label) {
    if (busy || !state || !state.item || !label) return;
    busy = true;
    var id = state.item.id;
    api("POST", "/api/inbox/" + encodeURIComponent(id) + "/label", { label: label })
      .then(function (body) { history.push(id); render(body.next); })
      .catch(function (e) { showError(e.message); })
      .then(function () { busy = false; });
  }

  function undo() {
    if (busy || !history.length) return;
    busy = true;
    var id = history[history.length - 1];
    api("POST", "/api/inbox/" + encodeURIComponent(id) + "/undo")
      .then(function (body) { history.pop(); render(body.next); })
      .catch(function (e) { showError(e.message); })
      .then(function () { busy = false; });
  }

  function accept() { send($("intents").value); }
  function pickAlternative(n) {
    var alt = state && state.item && state.item.alternatives[n];
    if (alt) send(alt.name);
  }
  function openNew() {
    if (!state || !state.item) return;
    $("new-form").hidden = false;
    $("new-name").value = "";
    $("new-name").focus();
  }
  function closeNew() { $("new-form").hidden = true; $("intents").focus(); }

  $("accept").addEventListener("click", accept);
  $("skip").addEventListener("click", function () { send("skip"); });
  $("not-question").addEventListener("click", function () { send("not_a_question"); });
  $("new-intent").addEventListener("click", openNew);
  $("undo").addEventListener("click", undo);
  $("undo-done").addEventListener("click", undo);
  $("new-cancel").addEventListener("click", closeNew);
  $("filter").addEventListener("input", renderIntents);
  $("intents").addEventListener("dblclick", accept);
  $("new-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var name = $("new-name").value.trim();
    if (!SNAKE.test(name)) { showError("新意图名须为英文小写字母、数字和下划线，例如 ask_gift_wrap"); return; }
    send("new:" + name);
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    var target = event.target, key = event.key;
    if ($("new-form").contains(target)) {
      if (key === "Escape") { event.preventDefault(); closeNew(); }
      return;  // typing a name; Enter submits the form
    }
    if (target === $("filter")) {
      var list = $("intents");
      if (key === "Enter") { event.preventDefault(); accept(); }
      else if (key === "ArrowDown" || key === "ArrowUp") {
        event.preventDefault();
        var i = list.selectedIndex + (key === "ArrowDown" ? 1 : -1);
        if (i >= 0 && i < list.options.length) list.selectedIndex = i;
      } else if (key === "Escape") { event.preventDefault(); list.focus(); }
      return;
    }
    if (target.tagName === "INPUT" || target.tagName === "TEXTAREA") return;
    // On the page, the intent list or a button: our shortcuts win over the list's type-ahead.
    var actions = {
      "Enter": accept, "1": function () { pickAlternative(0); }, "2": function () { pickAlternative(1); },
      "3": function () { pickAlternative(2); }, "s": function () { send("skip"); },
      "n": function () { send("not_a_question"); }, "/": function () { $("filter").focus(); },
      "c": openNew, "u": undo
    };
    if (actions[key]) { event.preventDefault(); actions[key](); }
  });

  load();
})();
