// The shop page's chat widget: sends messages over HTTP, restores history, receives agent replies on a socket.
// Everything shown is set with textContent, so a message can never inject HTML.
(function () {
  "use strict";
  var MAX = 2000;
  var KEY = "xiaodian.buyer";
  var $ = function (id) { return document.getElementById(id); };
  var productEl = $("product");
  var product = productEl.dataset.productId;
  var log = $("chat-log"), input = $("chat-input"), errorEl = $("chat-error"), statusEl = $("chat-status");
  var socket = null, retry = null, busy = false;

  function identity() {
    try { return JSON.parse(localStorage.getItem(KEY)) || null; } catch (e) { return null; }
  }
  function saveIdentity(buyerId, token) { localStorage.setItem(KEY, JSON.stringify({ buyer_id: buyerId, token: token })); }
  function forget() { localStorage.removeItem(KEY); if (socket) { socket.onclose = null; socket.close(); socket = null; } }

  function showError(text) { errorEl.textContent = text; errorEl.hidden = !text; }
  function setStatus(handedOff) { statusEl.textContent = handedOff ? "人工客服" : ""; }

  function bubble(sender, text, buttons, agent) {
    var li = document.createElement("li");
    li.className = "msg msg-" + sender;
    if (agent) {
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = "客服 " + agent;
      li.appendChild(who);
    }
    var p = document.createElement("p");
    p.textContent = text;
    li.appendChild(p);
    if (buttons && buttons.length) {
      var row = document.createElement("div");
      row.className = "buttons";
      buttons.forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        btn.addEventListener("click", function () { send(b.payload, b.title); });
        row.appendChild(btn);
      });
      li.appendChild(row);
    }
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  function connect() {
    var id = identity();
    if (!id || socket) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + location.host + "/ws/buyer?buyer_id=" + encodeURIComponent(id.buyer_id) +
      "&token=" + encodeURIComponent(id.token);
    socket = new WebSocket(url);
    socket.onmessage = function (event) {
      var msg = JSON.parse(event.data);
      if (msg.type === "reply") { bubble("agent", msg.text, [], msg.agent); setStatus(true); }
      else if (msg.type === "system") { bubble("system", msg.text); setStatus(true); }
      else if (msg.type === "resolved") { bubble("system", msg.text); setStatus(false); }
    };
    socket.onclose = function () {
      socket = null;
      clearTimeout(retry);
      retry = setTimeout(connect, 3000);
    };
  }

  function send(text, shown) {
    text = (text || "").trim();
    if (!text) { showError("请输入消息内容"); return; }
    if (text.length > MAX) { showError("消息太长了，最多 " + MAX + " 个字"); return; }
    if (busy) return;
    showError("");
    busy = true;
    bubble("buyer", shown || text);
    var id = identity() || {};
    fetch("/api/buyer/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ buyer_id: id.buyer_id, token: id.token, text: text, product: product })
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (r) {
      if (r.status === 401) { forget(); showError("会话已过期，请再发一次"); return; }
      if (r.status !== 200) { showError(r.body.error || "发送失败，请稍后再试"); return; }
      var isNew = !id.buyer_id;
      saveIdentity(r.body.buyer_id, r.body.token);
      if (isNew) connect();
      r.body.replies.forEach(function (m) { bubble("bot", m.text, m.buttons); });
      setStatus(r.body.handed_off);
    }).catch(function () {
      showError("网络不太好，消息没发出去，请稍后再试");
    }).then(function () { busy = false; });
  }

  function restore() {
    var id = identity();
    if (!id) { bubble("bot", "您好，我是小店客服，有什么可以帮您？"); return; }
    fetch("/api/buyer/history?buyer_id=" + encodeURIComponent(id.buyer_id), {
      headers: { "X-Buyer-Token": id.token }
    }).then(function (response) {
      if (response.status === 401 || response.status === 400) { forget(); return null; }
      return response.ok ? response.json() : null;
    }).then(function (body) {
      if (!body) { bubble("bot", "您好，我是小店客服，有什么可以帮您？"); return; }
      body.messages.forEach(function (m) { bubble(m.sender, m.text, m.buttons, m.agent); });
      setStatus(body.handed_off);
      connect();
    }).catch(function () { showError("聊天记录暂时加载不了"); });
  }

  $("chat-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) { showError("请输入消息内容"); return; }
    if (text.trim().length > MAX) { showError("消息太长了，最多 " + MAX + " 个字"); return; }
    input.value = "";
    send(text);
  });
  function openChat() { $("chat").hidden = false; $("chat-open").hidden = true; sessionStorage.setItem("xiaodian.chat", "1"); input.focus(); }
  function closeChat() { $("chat").hidden = true; $("chat-open").hidden = false; sessionStorage.removeItem("xiaodian.chat"); }
  $("chat-open").addEventListener("click", openChat);
  $("chat-close").addEventListener("click", closeChat);
  $("product-switcher").addEventListener("change", function (event) {
    location.href = "/product/" + encodeURIComponent(event.target.value);
  });
  if (sessionStorage.getItem("xiaodian.chat")) openChat();
  restore();
})();
