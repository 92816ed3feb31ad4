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
        btn.addEventListener("click", function () { send(b.title, b.title, b.payload); });
        row.appendChild(btn);
      });
      li.appendChild(row);
    }
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // A chat starts with a session: the buyer's id and token (kept in localStorage, sent in a header).
  function ensureIdentity() {
    var id = identity();
    if (id && id.buyer_id && id.token) return Promise.resolve(id);
    return fetch("/api/buyer/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.status !== 201) throw new Error(body.error || "会话开始失败");
          saveIdentity(body.buyer_id, body.token);
          connect();
          return identity();
        });
      });
  }

  // Rating the service when an agent has resolved the chat: 1-5 stars and an optional comment, once.
  function askRating(rating) {
    if (!rating || document.getElementById("rating")) return;
    var li = document.createElement("li");
    li.className = "msg msg-rating";
    li.id = "rating";
    var ask = document.createElement("p");
    ask.textContent = rating.ask;
    li.appendChild(ask);
    var stars = document.createElement("div");
    stars.className = "stars";
    var chosen = 0;
    var label = document.createElement("span");
    label.className = "star-label";
    rating.scores.forEach(function (words, i) {
      var star = document.createElement("button");
      star.type = "button";
      star.className = "star";
      star.textContent = "★";
      star.title = words;
      star.setAttribute("aria-label", (i + 1) + "星 " + words);
      star.dataset.score = String(i + 1);
      star.addEventListener("click", function () {
        chosen = i + 1;
        label.textContent = words;
        Array.prototype.forEach.call(stars.querySelectorAll(".star"), function (s, j) { s.classList.toggle("on", j <= i); });
        send.disabled = false;
      });
      stars.appendChild(star);
    });
    stars.appendChild(label);
    li.appendChild(stars);
    var comment = document.createElement("input");
    comment.className = "rating-comment";
    comment.maxLength = 500;
    comment.placeholder = rating.comment_placeholder;
    li.appendChild(comment);
    var send = document.createElement("button");
    send.type = "button";
    send.className = "rating-send";
    send.textContent = "提交评价";
    send.disabled = true;
    send.addEventListener("click", function () {
      var id = identity() || {};
      send.disabled = true;
      fetch("/api/buyer/rating", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Buyer-Token": id.token || "" },
        body: JSON.stringify({ buyer_id: id.buyer_id, ticket_id: rating.ticket_id, score: chosen,
                               comment: comment.value.trim() || null })
      }).then(function (response) {
        return response.json().then(function (body) {
          li.remove();
          if (response.status === 201) { saveIdentity(id.buyer_id, body.token); bubble("system", body.thanks); }
          else { showError(body.error || "评价没有提交成功"); }
        });
      }).catch(function () { send.disabled = false; showError("网络不太好，评价没提交，请再点一次"); });
    });
    li.appendChild(send);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  var answered = {};  // keys whose replies are shown, so a socket push of the same answer is not shown twice

  function showReplies(replies, sender) {
    (replies || []).forEach(function (m) { bubble(sender || "bot", m.text, m.buttons); });
  }

  function connect() {
    var id = identity();
    if (!id || socket) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/buyer");
    socket.onopen = function () {
      // Who this is goes in the first message, never in the socket's URL.
      socket.send(JSON.stringify({ type: "auth", buyer_id: id.buyer_id, token: id.token }));
    };
    socket.onmessage = function (event) {
      var msg = JSON.parse(event.data);
      if (msg.type === "reply") { bubble("agent", msg.text, [], msg.agent); setStatus(true); }
      else if (msg.type === "bot") {
        if (msg.key && answered[msg.key]) return;
        if (msg.key) answered[msg.key] = true;
        showReplies(msg.replies, "bot");
      }
      else if (msg.type === "system") { bubble("system", msg.text); if (msg.text) setStatus(true); }
      else if (msg.type === "handed_off") { setStatus(true); }
      else if (msg.type === "resolved") { bubble("system", msg.text); setStatus(false); askRating(msg.rating); }
    };
    socket.onclose = function (event) {
      socket = null;
      clearTimeout(retry);
      if (event.code === 1008) { forget(); return; }  // the token was refused: a new session next time
      retry = setTimeout(connect, 3000);
    };
  }

  // One message, sent until the service has it: a retry carries the same client_message_id, so the
  // service counts it once whatever happened to the first try.
  function post(body, attempt) {
    var id = identity() || {};
    return fetch("/api/buyer/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Buyer-Token": id.token || "" },
      body: JSON.stringify(Object.assign({ buyer_id: id.buyer_id }, body))
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, body: data }; });
    }).catch(function (error) {
      if (attempt >= 3) throw error;
      return new Promise(function (resolve) { setTimeout(resolve, 1000 * Math.pow(2, attempt)); })
        .then(function () { return post(body, attempt + 1); });
    });
  }

  function send(text, shown, payload) {
    text = (text || "").trim();
    if (!text) { showError("请输入消息内容"); return; }
    if (text.length > MAX) { showError("消息太长了，最多 " + MAX + " 个字"); return; }
    if (busy) return;
    showError("");
    busy = true;
    bubble("buyer", shown || text);
    var key = newKey();
    var body = { text: shown || text, product: product, client_message_id: key };
    if (payload) body.payload = payload;
    ensureIdentity().then(function () {
      return post(body, 0);
    }).then(function (r) {
      if (r.status === 401) { forget(); showError("会话已过期，请再发一次"); return; }
      if (r.status === 429) { showError("发得太快了，请稍等一下再发"); return; }
      if (r.status !== 200) { showError(r.body.error || "发送失败，请稍后再试"); return; }
      saveIdentity(r.body.buyer_id, r.body.token);
      connect();
      if (!r.body.queued) answered[key] = true;
      showReplies(r.body.replies, r.body.queued ? "system" : "bot");
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
      askRating(body.rating);
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
