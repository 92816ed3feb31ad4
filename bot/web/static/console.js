// The agents' console: the queue (pushed over /ws/console, polled when the socket is down), one ticket with
// suggested replies and quick phrases, the buyer beside the chat, transfers and concessions.
// Everything shown is set with textContent, so buyers' messages can never inject HTML.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var meEl = $("me");
  var me = meEl.dataset.agent, role = meEl.dataset.role, TZ = meEl.dataset.timezone || "Asia/Shanghai";
  var WAIT_WARNING_S = Number(meEl.dataset.waitWarning || 3) * 60, SOUND = meEl.dataset.sound === "on";
  var supervisor = role === "supervisor";
  var current = null, currentTicket = null, socket = null, poll = null, view = "active";
  var known = null, unseenUrgent = {}, colleagues = [], phrases = [], phraseIndex = 0, lastQueue = [];
  var skew = 0;  // the service's clock minus this computer's: waiting times are the service's
  function nowMs() { return Date.now() + skew; }
  var PRIORITY = { urgent: "紧急", high: "高", normal: "普通" };
  var STATUS = { open: "待接手", claimed: "处理中", resolved: "已解决" };
  var SENDER = { buyer: "买家", bot: "机器人", agent: "客服" };
  var HOLDER = { claimed: "接手", taken_over: "强制接手", transferred: "转交给", released: "退回队列", resolved: "解决" };
  var KIND = { discount: "改价让利", compensation: "补偿" };
  var DECISION = { pending: "待主管审批", approved: "已同意", refused: "已拒绝" };
  var FACTS = { height: ["身高", "cm"], weight: ["体重", "kg"], size: ["尺码", ""], usual_size: ["平时穿", ""],
    fit_preference: ["喜欢", ""], color: ["颜色", ""], amount: ["想便宜", "元"], region: ["地区", ""],
    courier: ["快递", ""], bargain_attempts: ["议价次数", "次"], angry_words: ["激动的话", ""], buyer_words: ["买家原话", ""],
    handoff_reasons: ["转人工原因", ""] };

  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; }
  function showError(text) { $("t-error").textContent = text || ""; $("t-error").hidden = !text; }

  // Times in the shop's time zone, Chinese style: 11月23日 15:20 (today: 15:20).
  var parts = new Intl.DateTimeFormat("zh-CN", { timeZone: TZ, year: "numeric", month: "numeric", day: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  function pieces(d) { var o = {}; parts.formatToParts(d).forEach(function (p) { o[p.type] = p.value; }); return o; }
  function when(iso) {
    var d = new Date(iso); if (isNaN(d)) return "";
    var p = pieces(d), t = pieces(new Date(nowMs()));
    var time = p.hour + ":" + p.minute;
    if (p.year === t.year && p.month === t.month && p.day === t.day) return "今天 " + time;
    return (p.year !== t.year ? p.year + "年" : "") + p.month + "月" + p.day + "日 " + time;
  }
  function waited(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) return seconds + "秒";
    if (seconds < 3600) return Math.floor(seconds / 60) + "分" + (seconds % 60 ? (seconds % 60) + "秒" : "");
    return Math.floor(seconds / 3600) + "小时" + Math.floor((seconds % 3600) / 60) + "分";
  }
  // Colleagues by their display names (the API names them by sign-in name).
  function nameOf(name) {
    var found = colleagues.filter(function (a) { return a.name === name; })[0];
    return found ? found.display_name : name;
  }
  // The summary was written with the buyer's raw id; agents read the readable name.
  function readable(text, t) {
    if (!t.buyer_id) return text;
    return text.split("买家" + t.buyer_id).join(t.view.buyer_name).split(t.buyer_id).join(t.view.buyer_name);
  }
  function yuan(n) { return (Math.round(n * 100) / 100).toString(); }

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

  // ---------------------------------------------------------------- new urgent tickets: a sound and a badge
  var audio = null;
  function beep() {
    if (!SOUND) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.25);
    } catch (e) { /* no sound on this browser: the badge still shows */ }
  }
  document.addEventListener("click", function () { if (audio && audio.state === "suspended") audio.resume(); });
  function showBadge() {
    var n = Object.keys(unseenUrgent).length, badge = $("urgent-badge");
    badge.textContent = n ? "新紧急工单 " + n : "";
    badge.hidden = !n;
    document.title = (n ? "(" + n + ") " : "") + "客服后台 - 小店";
  }
  function noticeUrgent(tickets) {
    var fresh = false, ids = {};
    tickets.forEach(function (t) {
      ids[t.id] = true;
      if (known && !known[t.id] && t.priority === "urgent" && t.id !== current) { unseenUrgent[t.id] = true; fresh = true; }
    });
    if (view === "active") {
      Object.keys(unseenUrgent).forEach(function (id) { if (!ids[id]) delete unseenUrgent[id]; });
      known = Object.assign(known || {}, ids);
    }
    if (fresh) beep();
    showBadge();
  }

  // ---------------------------------------------------------------- the queue
  function queryString() {
    var q = new URLSearchParams();
    if (view === "resolved") q.set("status", "resolved");
    [["q", $("f-q").value.trim()], ["priority", $("f-priority").value], ["reason", $("f-reason").value]].forEach(function (kv) {
      if (kv[1]) q.set(kv[0], kv[1]);
    });
    if ($("f-mine").checked) q.set("mine", "1");
    if ($("f-unclaimed").checked) q.set("unclaimed", "1");
    return q.toString();
  }
  function waitingText(t) {
    if (!t.view.waiting_since) return null;
    return (nowMs() - new Date(t.view.waiting_since).getTime()) / 1000;
  }
  function renderQueue(tickets) {
    var list = $("queue");
    list.textContent = "";
    $("queue-count").textContent = "(" + tickets.length + ")";
    tickets.forEach(function (t) {
      var li = el("li", null, "q q-" + t.priority + (current === t.id ? " active" : "") + (unseenUrgent[t.id] ? " new" : ""));
      li.dataset.id = t.id;
      var head = el("div", null, "q-head");
      head.appendChild(el("span", PRIORITY[t.priority] || t.priority, "badge badge-" + t.priority));
      head.appendChild(el("strong", t.view.buyer_name));
      if ((t.concessions || []).some(function (c) { return c.status === "pending"; })) head.appendChild(el("span", "待审批", "tag"));
      li.appendChild(head);
      li.appendChild(el("span", t.view.reason_words.join("、") || "同事手动转人工", "q-reasons"));
      var seconds = waitingText(t);
      if (seconds != null && t.status !== "resolved") {
        li.appendChild(el("span", "已等 " + waited(seconds), "wait" + (seconds >= WAIT_WARNING_S ? " wait-long" : "")));
      }
      var who = t.status === "claimed" ? (t.claimed_by === me ? "我在处理" : "已被 " + nameOf(t.claimed_by) + " 接手") : STATUS[t.status];
      li.appendChild(el("small", who + " · " + when(t.created_at)));
      li.addEventListener("click", function () { open(t.id); });
      list.appendChild(li);
    });
  }
  function loadQueue() {
    return api("GET", "/api/tickets?" + queryString()).then(function (body) {
      var server = new Date(body.now).getTime();
      if (!isNaN(server)) skew = server - Date.now();
      lastQueue = body.tickets;
      noticeUrgent(body.tickets);
      renderQueue(body.tickets);
    }).catch(function () {});
  }
  // The waiting times tick on between refreshes.
  setInterval(function () { renderQueue(lastQueue); }, 15000);

  // ---------------------------------------------------------------- one ticket
  function factText(key, value) {
    if (Array.isArray(value)) value = value.join("、");
    else if (value && typeof value === "object") value = JSON.stringify(value);
    var label = FACTS[key];
    return label ? [label[0], String(value) + label[1]] : null;
  }
  function render(t) {
    currentTicket = t;
    $("ticket").hidden = false; $("empty").hidden = true;
    $("t-title").textContent = t.view.buyer_name + "：" + (t.view.reason_words.join("、") || "工单 " + t.id);
    $("t-meta").textContent = [PRIORITY[t.priority], STATUS[t.status], t.claimed_by ? "处理人 " + nameOf(t.claimed_by) : "",
      "买家 " + t.view.buyer_name, t.product_id ? "商品 " + t.product_id : "", "开单 " + when(t.created_at)].filter(Boolean).join(" · ");
    var mine = t.status === "claimed" && t.claimed_by === me;
    var taken = t.status === "claimed" && !mine;
    $("t-claim").hidden = t.status !== "open";
    $("t-takeover").hidden = !taken;
    $("transfer-form").hidden = !(t.status !== "resolved" && (mine || supervisor));
    fillTransfer(t);
    $("reply-form").hidden = !mine; $("resolve-form").hidden = !mine;
    $("assist").hidden = !mine;
    $("concession-form").hidden = !(t.status !== "resolved" && (mine || supervisor));
    var s = $("t-summary"); s.textContent = "";
    (t.summary || []).forEach(function (line) { s.appendChild(el("li", readable(line, t))); });
    $("t-next").textContent = t.next_step || "";
    var f = $("t-facts"); f.textContent = "";
    Object.keys(t.facts || {}).forEach(function (k) {
      var pair = factText(k, t.facts[k]);
      if (!pair) return;  // internal bookkeeping (the reasons are in the title, in words)
      f.appendChild(el("dt", pair[0])); f.appendChild(el("dd", pair[1]));
    });
    renderConcessions(t);
    var n = $("t-notes"); n.textContent = "";
    (t.notes || []).forEach(function (x) { n.appendChild(el("li", x.agent + "：" + x.text + "（" + when(x.at) + "）")); });
    var h = $("t-history"); h.textContent = "";
    (t.history || []).forEach(function (x) {
      var text = when(x.at) + " " + nameOf(x.by) + " " + (HOLDER[x.kind] || x.kind) + (x.kind === "transferred" ? " " + nameOf(x.to) : "");
      h.appendChild(el("li", text + (x.note ? "：" + x.note : "")));
    });
    if (!(t.history || []).length) h.appendChild(el("li", "还没有人接手"));
    var tr = $("t-transcript"); tr.textContent = "";
    (t.transcript || []).forEach(function (line) {
      var li = el("li", null, "line line-" + line.sender);
      var head = (SENDER[line.sender] || line.sender) + (line.agent ? " " + nameOf(line.agent) : "") + " · " + when(line.at);
      if (line.intent) head += " · " + line.intent + (line.confidence != null ? " " + Math.round(line.confidence * 100) + "%" : "");
      li.appendChild(el("small", head, line.confidence != null && line.confidence < 0.5 ? "low" : ""));
      li.appendChild(el("p", line.text));
      tr.appendChild(li);
    });
    tr.scrollTop = tr.scrollHeight;
  }
  function renderConcessions(t) {
    var list = $("t-concessions"); list.textContent = "";
    (t.concessions || []).forEach(function (c) {
      var li = el("li", null, "concession c-" + c.status);
      var text = (KIND[c.kind] || c.kind) + " " + yuan(c.amount) + " 元 · " + c.reason + " · " + nameOf(c.requested_by) + " " + when(c.at) + " · "
        + (c.within_limit ? "客服权限内" : DECISION[c.status]) + (c.decided_by && !c.within_limit ? "（" + nameOf(c.decided_by) + (c.decision_note ? "：" + c.decision_note : "") + "）" : "");
      li.appendChild(el("span", text));
      if (supervisor && c.status === "pending" && c.requested_by !== me) {
        var yes = el("button", "同意", "approve"), no = el("button", "拒绝", "refuse");
        yes.type = no.type = "button";
        yes.addEventListener("click", function () { decide(c.id, "approve"); });
        no.addEventListener("click", function () { decide(c.id, "refuse"); });
        li.appendChild(yes); li.appendChild(no);
      }
      list.appendChild(li);
    });
    if (!(t.concessions || []).length) list.appendChild(el("li", "没有", "hint"));
  }
  function decide(id, decision) {
    var note = decision === "refuse" ? (prompt("拒绝的原因（客服会看到）") || "") : "";
    act("concessions/" + id + "/decision", { decision: decision, note: note || null });
  }
  function fillTransfer(t) {
    var select = $("transfer-to"), chosen = select.value; select.textContent = "";
    var opt = el("option", "退回队列"); opt.value = ""; select.appendChild(opt);
    colleagues.forEach(function (a) {
      if (a.name === t.claimed_by) return;
      var o = el("option", "转给 " + a.display_name + (a.name === me ? "（我）" : "")); o.value = a.name; select.appendChild(o);
    });
    select.value = chosen;
    if (select.value !== chosen) select.value = "";
  }

  // ---------------------------------------------------------------- the buyer beside the chat
  function renderPanel(p) {
    $("panel").hidden = false;
    $("p-buyer").textContent = p.buyer.name;
    var orders = $("p-orders"); orders.textContent = "";
    p.orders.forEach(function (o) {
      var li = el("li", null, "order order-" + o.status);
      li.appendChild(el("strong", "尾号 " + o.tail + " · " + o.status_words + " · " + yuan(o.total) + " 元"));
      li.appendChild(el("span", o.items.map(function (i) { return i.name + "（" + i.color + " " + i.size + "）×" + i.quantity; }).join("；"), "items"));
      li.appendChild(el("small", "下单 " + when(o.created_at)));
      if (o.courier) li.appendChild(el("span", o.courier + (o.tracking_no ? " " + o.tracking_no : ""), "courier"));
      if (o.latest_scan) li.appendChild(el("span", "最新物流 " + when(o.latest_scan.at) + "：" + o.latest_scan.text, "scan"));
      o.remarks.forEach(function (r) { li.appendChild(el("span", (r.flag ? "【" + r.flag + "】" : "") + r.text, "remark")); });
      o.returns.forEach(function (r) { li.appendChild(el("span", "售后：" + r.kind + " " + r.status + " " + yuan(r.amount) + " 元", "remark")); });
      o.complaints.forEach(function (c) { li.appendChild(el("span", "投诉：" + c.description, "remark")); });
      orders.appendChild(li);
    });
    if (!p.orders.length) orders.appendChild(el("li", "没有订单", "hint"));
    $("p-product").textContent = p.product ? p.product.name + " · " + yuan(p.product.price) + " 元 · " + p.product.sizes.join("/") : "—";
    var about = $("p-about"); about.textContent = "";
    p.about.forEach(function (a) { var pair = factText(a.key, a.value); if (pair) { about.appendChild(el("dt", pair[0])); about.appendChild(el("dd", pair[1])); } });
    var earlier = $("p-earlier"); earlier.textContent = "";
    p.earlier_tickets.forEach(function (e) {
      var text = when(e.created_at) + " · " + (e.reasons.join("、") || "手动") + " · " + nameOf(e.agent || "") + " · "
        + (e.outcome || STATUS[e.status]) + (e.rating ? " · " + e.rating + "星" : "");
      earlier.appendChild(el("li", text));
    });
    if (!p.earlier_tickets.length) earlier.appendChild(el("li", "第一次找客服", "hint"));
  }

  // ---------------------------------------------------------------- suggestions and quick phrases
  function insert(text) {
    var box = $("reply-text");
    box.value = text;
    box.focus();
    box.setSelectionRange(text.length, text.length);
  }
  function renderAssist(a) {
    var box = $("suggestions"); box.textContent = "";
    a.suggestions.forEach(function (s) {
      var b = el("button", s.text, "suggestion"); b.type = "button";
      b.addEventListener("click", function () { insert(s.text); });
      box.appendChild(b);
    });
    phrases = a.quick_phrases;
  }
  function phraseMatches() {
    var value = $("reply-text").value;
    if (value.charAt(0) !== "/" || value.indexOf("\n") >= 0) return [];
    var typed = value.slice(1).trim().toLowerCase();
    return phrases.filter(function (p) { return !typed || p.key.indexOf(typed) === 0 || p.title.indexOf(typed) >= 0 || p.text.indexOf(typed) >= 0; });
  }
  function showPhrases() {
    var list = $("phrases"), found = phraseMatches();
    list.textContent = "";
    list.hidden = !found.length;
    phraseIndex = Math.min(phraseIndex, Math.max(0, found.length - 1));
    found.forEach(function (p, i) {
      var li = el("li", null, "phrase" + (i === phraseIndex ? " on" : ""));
      li.setAttribute("role", "option");
      li.appendChild(el("b", "/" + p.key + " " + p.title));
      li.appendChild(el("span", p.text));
      li.addEventListener("mousedown", function (event) { event.preventDefault(); insert(p.text); showPhrases(); });
      list.appendChild(li);
    });
  }
  $("reply-text").addEventListener("input", function () { phraseIndex = 0; showPhrases(); });
  $("reply-text").addEventListener("keydown", function (event) {
    var found = phraseMatches();
    if (found.length && !$("phrases").hidden) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        phraseIndex = (phraseIndex + (event.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
        showPhrases(); return;
      }
      if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); insert(found[phraseIndex].text); showPhrases(); return; }
      if (event.key === "Escape") { $("phrases").hidden = true; return; }
    }
    // Enter sends, as in every chat workbench; Shift+Enter starts a new line.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); $("reply-form").requestSubmit(); }
  });

  // ---------------------------------------------------------------- actions
  function loadTicket(id) {
    return api("GET", "/api/tickets/" + encodeURIComponent(id)).then(function (t) {
      render(t);
      var mine = t.status === "claimed" && t.claimed_by === me;
      return Promise.all([
        api("GET", "/api/tickets/" + encodeURIComponent(id) + "/buyer").then(renderPanel),
        mine ? api("GET", "/api/tickets/" + encodeURIComponent(id) + "/assist").then(renderAssist) : null
      ]);
    });
  }
  function open(id) {
    current = id; showError("");
    delete unseenUrgent[id]; showBadge();
    return loadTicket(id).then(loadQueue).catch(function (e) { showError(e.message); });
  }
  // done() runs as soon as the service took the action (clearing a form then, not after the reload, so what the
  // agent types meanwhile is kept).
  function act(path, body, done) {
    showError("");
    return api("POST", "/api/tickets/" + encodeURIComponent(current) + "/" + path, body || {})
      .then(function () { if (done) done(); return open(current); })
      .catch(function (e) { showError(e.message); return open(current); });
  }

  $("t-claim").addEventListener("click", function () { act("claim"); });
  $("t-takeover").addEventListener("click", function () {
    if (confirm("这个工单同事正在处理，确定要接手吗？")) act("claim", { take_over: true });
  });
  $("transfer-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var to = $("transfer-to").value || null, note = $("transfer-note").value.trim() || null;
    act("transfer", { to: to, note: note }, function () { $("transfer-note").value = ""; });
  });
  $("concession-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var amount = Number($("c-amount").value), reason = $("c-reason").value.trim();
    if (!(amount > 0)) { showError("请填写金额"); return; }
    if (!reason) { showError("请写明原因"); return; }
    act("concessions", { kind: $("c-kind").value, amount: amount, reason: reason }, function () {
      $("c-amount").value = ""; $("c-reason").value = "";
    });
  });
  function onSubmit(form, input, path, field) {
    $(form).addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $(input).value.trim();
      if (!text) { showError("请先填写内容"); return; }
      var body = {}; body[field] = text;
      act(path, body, function () { $(input).value = ""; $("phrases").hidden = true; });
    });
  }
  onSubmit("reply-form", "reply-text", "reply", "text");
  onSubmit("note-form", "note-text", "note", "text");
  onSubmit("resolve-form", "resolve-outcome", "resolve", "outcome");

  // ---------------------------------------------------------------- filters and tabs
  var typing = null;
  $("filters").addEventListener("input", function () { clearTimeout(typing); typing = setTimeout(loadQueue, 250); });
  $("filters").addEventListener("submit", function (event) { event.preventDefault(); loadQueue(); });
  function tab(name) {
    view = name;
    $("tab-active").classList.toggle("on", name === "active");
    $("tab-resolved").classList.toggle("on", name === "resolved");
    loadQueue();
  }
  $("tab-active").addEventListener("click", function () { tab("active"); });
  $("tab-resolved").addEventListener("click", function () { tab("resolved"); });

  function refresh() { loadQueue(); if (current) loadTicket(current).catch(function () {}); }
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
  api("GET", "/api/agents").then(function (body) { colleagues = body.agents; if (currentTicket) fillTransfer(currentTicket); }).catch(function () {});
  loadQueue();
  connect();
})();
