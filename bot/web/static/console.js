// The agents' console: the queue (pushed over /ws/console, polled when the socket is down) and one ticket.
// Everything shown is set with textContent, so buyers' messages can never inject HTML.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var me = $("me").dataset.agent;
  var current = null, socket = null, poll = null;
  var PRIORITY = { urgent: "紧急", high: "高", normal: "普通" };
  var STATUS = { open: "待接手", claimed: "处理中", resolved: "已解决" };
  var SENDER = { buyer: "买家", bot: "机器人", agent: "客服" };

  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; }
  function when(iso) { var d = new Date(iso); return isNaN(d) ? "" : d.toLocaleString(); }
  function showError(text) { $("t-error").textContent = text || ""; $("t-error").hidden = !text; }

  function api(method, path, body) {
    return fetch(path, {
      method: method, credentials: "same-origin",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      if (r.status === 401) { location.reload(); throw new Error("signed out"); }
      return r.json().then(function (b) { if (!r.ok) { var e = new Error(b.error || r.status); e.body = b; throw e; } return b; });
    });
  }

  function loadQueue() {
    return api("GET", "/api/tickets").then(function (body) {
      var list = $("queue");
      list.textContent = "";
      $("queue-count").textContent = "(" + body.tickets.length + ")";
      body.tickets.forEach(function (t) {
        var li = el("li", null, "q q-" + t.priority + (current === t.id ? " active" : ""));
        li.appendChild(el("span", PRIORITY[t.priority] || t.priority, "badge"));
        li.appendChild(el("strong", (t.summary && t.summary[0]) || t.reasons.join(", ")));
        var who = t.status === "claimed" ? (t.claimed_by === me ? "我在处理" : "已被 " + t.claimed_by + " 接手") : STATUS[t.status];
        li.appendChild(el("small", who + " · " + when(t.created_at)));
        li.addEventListener("click", function () { open(t.id); });
        list.appendChild(li);
      });
    }).catch(function () {});
  }

  function render(t) {
    $("ticket").hidden = false; $("empty").hidden = true;
    $("t-title").textContent = (t.summary && t.summary[0]) || "工单 " + t.id;
    $("t-meta").textContent = [PRIORITY[t.priority], STATUS[t.status], t.claimed_by ? "处理人 " + t.claimed_by : "",
      "买家 " + t.buyer_id, t.product_id ? "商品 " + t.product_id : "", "原因 " + t.reasons.join(", ")].filter(Boolean).join(" · ");
    var mine = t.status === "claimed" && t.claimed_by === me;
    var taken = t.status === "claimed" && !mine;
    $("t-claim").hidden = t.status !== "open";
    $("t-takeover").hidden = !taken;
    $("reply-form").hidden = !mine; $("resolve-form").hidden = !mine;
    var s = $("t-summary"); s.textContent = "";
    (t.summary || []).forEach(function (line) { s.appendChild(el("li", line)); });
    $("t-next").textContent = t.next_step || "";
    var f = $("t-facts"); f.textContent = "";
    Object.keys(t.facts || {}).forEach(function (k) {
      f.appendChild(el("dt", k));
      var v = t.facts[k];
      f.appendChild(el("dd", typeof v === "string" ? v : JSON.stringify(v)));
    });
    var n = $("t-notes"); n.textContent = "";
    (t.notes || []).forEach(function (x) { n.appendChild(el("li", x.agent + "：" + x.text + "（" + when(x.at) + "）")); });
    var tr = $("t-transcript"); tr.textContent = "";
    (t.transcript || []).forEach(function (line) {
      var li = el("li", null, "line line-" + line.sender);
      var head = (SENDER[line.sender] || line.sender) + (line.agent ? " " + line.agent : "") + " · " + when(line.at);
      if (line.intent) head += " · " + line.intent + (line.confidence != null ? " " + Math.round(line.confidence * 100) + "%" : "");
      li.appendChild(el("small", head, line.confidence != null && line.confidence < 0.5 ? "low" : ""));
      li.appendChild(el("p", line.text));
      tr.appendChild(li);
    });
    tr.scrollTop = tr.scrollHeight;
  }

  function open(id) {
    current = id; showError("");
    return api("GET", "/api/tickets/" + encodeURIComponent(id)).then(render).then(loadQueue)
      .catch(function (e) { showError(e.message); });
  }
  function act(path, body) {
    showError("");
    return api("POST", "/api/tickets/" + encodeURIComponent(current) + "/" + path, body || {})
      .then(function () { return open(current); })
      .catch(function (e) { showError(e.message); return open(current); });
  }

  $("t-claim").addEventListener("click", function () { act("claim"); });
  $("t-takeover").addEventListener("click", function () {
    if (confirm("这个工单同事正在处理，确定要接手吗？")) act("claim", { take_over: true });
  });
  function onSubmit(form, input, path, field) {
    $(form).addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $(input).value.trim();
      if (!text) { showError("请先填写内容"); return; }
      var body = {}; body[field] = text;
      act(path, body).then(function () { $(input).value = ""; });
    });
  }
  onSubmit("reply-form", "reply-text", "reply", "text");
  onSubmit("note-form", "note-text", "note", "text");
  onSubmit("resolve-form", "resolve-outcome", "resolve", "outcome");

  function refresh() { loadQueue(); if (current) api("GET", "/api/tickets/" + encodeURIComponent(current)).then(render).catch(function () {}); }
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/console");
    socket.onopen = function () { $("live").textContent = "实时"; clearInterval(poll); poll = null; refresh(); };
    socket.onmessage = function () { refresh(); };
    socket.onclose = function () {
      $("live").textContent = "轮询中";
      if (!poll) poll = setInterval(refresh, 3000);
      setTimeout(connect, 5000);
    };
  }
  loadQueue();
  connect();
})();
